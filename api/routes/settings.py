"""The organisation's policy settings: read by staff and auditors, changed by administrators."""

from __future__ import annotations

from api.auth import CurrentActor
from api.deps import Service
from api.routes import guarded_router
from api.schemas import ChangeSetting, SettingsOut
from domain.settings import Setting

router = guarded_router("settings")


@router.get("/settings", response_model=SettingsOut,
            summary="The organisation defaults of every clock and policy choice")
def read_settings(service: Service) -> SettingsOut:
    """The organisation default of every clock and policy choice (e.g.
    `appeal_window: 20 working_days`); a case can override them (`.../setting-overrides`)."""
    values = service.policy_values().values
    return SettingsOut(values={k.value: v for k, v in values.items()})


@router.put("/settings/{setting}", response_model=SettingsOut,
            summary="Change an organisation default, with a reason (administrators)")
def change_setting(setting: Setting, body: ChangeSetting, actor: CurrentActor,
                   service: Service) -> SettingsOut:
    """Change an organisation default, with a reason (recorded as an event). A
    period is `N working_days`, `N calendar_days`, `N months` or `N years`."""
    values = service.change_setting(setting.value, body.value, actor, reason=body.reason)
    return SettingsOut(values={k.value: v for k, v in values.values.items()})


