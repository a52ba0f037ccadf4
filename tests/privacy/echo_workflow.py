"""A workflow whose input and result are a caller's string: to look for it in stored history."""

from temporalio import workflow


@workflow.defn(name="PrivacyEcho")
class Echo:
    @workflow.run
    async def run(self, text: str) -> str:
        return f"echo: {text}"
