from fastapi.testclient import TestClient

from tests.api.conftest import Stage, auth


def test_late_appeal_stage_is_late(client: TestClient, stage: Stage) -> None:
    built = stage.late_appeal()
    case = stage.service.get_case(built.case_id)
    assert case.appeals[built.appeal].status == "late_awaiting_decision"
    r = client.get(f"{built.path}/events", headers=auth("auditor"))
    assert r.status_code == 200, r.text
