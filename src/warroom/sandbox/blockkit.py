"""Block Kit validation, using slack_sdk's models as the authority on Slack's limits."""

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from .errors import SlackError

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT_LENGTH = 40_000


def _block_problem(block: object) -> str | None:
    """Why Slack would reject this block, or None."""
    if not isinstance(block, dict):
        return "each block must be a JSON object"
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return f"unsupported block type: {block.get('type')!r}"
        # to_dict() runs the validators of the block and of everything nested in it.
        parsed.to_dict()
    except Exception as error:  # the models raise formation, type and value errors alike
        return f"{block.get('type')} block: {error}"
    return None


def validate_message(text: str | None, blocks: list | None) -> None:
    """Slack's message rules, plus our own: blocks always come with a `text` fallback."""
    if not text or not text.strip():
        # Slack only warns about blocks without a fallback; the sandbox refuses on purpose,
        # because notifications and screen readers show nothing useful without it.
        raise SlackError("no_text")
    if len(text) > MAX_TEXT_LENGTH:
        raise SlackError("msg_too_long")
    if blocks is None:
        return
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise SlackError("invalid_blocks", f"no more than {MAX_MESSAGE_BLOCKS} items allowed")
    for index, block in enumerate(blocks):
        problem = _block_problem(block)
        if problem:
            raise SlackError("invalid_blocks", f"[ERROR] {problem} [json-pointer:/blocks/{index}]")


def validate_view(view: object) -> None:
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", "view must be a JSON object")
    blocks = view.get("blocks") or []
    if len(blocks) > MAX_VIEW_BLOCKS:
        raise SlackError("invalid_arguments", f"no more than {MAX_VIEW_BLOCKS} items allowed")
    for index, block in enumerate(blocks):
        problem = _block_problem(block)
        if problem:
            raise SlackError(
                "invalid_arguments", f"[ERROR] {problem} [json-pointer:/view/blocks/{index}]"
            )
    try:
        View(**view).to_dict()
    except Exception as error:
        raise SlackError("invalid_arguments", f"[ERROR] {error} [json-pointer:/view]") from None
