"""The one way a Web API method fails: with one of Slack's own error codes."""


class SlackError(Exception):
    """A Slack `{"ok": false, "error": code}` answer, raised from deep inside a method.

    `reasons` become `response_metadata.messages`, which is where Slack explains
    `invalid_blocks` and `invalid_arguments`; `fields` go beside the error, as `needed` and
    `provided` do for `missing_scope`.
    """

    def __init__(self, code: str, *reasons: str, **fields: str) -> None:
        super().__init__(code)
        self.code = code
        self.reasons = list(reasons)
        self.fields = fields

    def to_response(self) -> dict:
        body: dict = {"ok": False, "error": self.code, **self.fields}
        if self.reasons:
            body["response_metadata"] = {"messages": self.reasons}
        return body
