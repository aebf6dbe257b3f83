"""The external file upload: getUploadURLExternal, the upload URL, completeUploadExternal."""

from . import messaging
from .api_context import ApiContext
from .args import Args
from .errors import SlackError
from .models import UploadedFile
from .workspace import Workspace


def new_file(ws: Workspace, user_id: str, name: str, length: int, filetype: str = "") -> str:
    with ws.lock:
        upload = UploadedFile(
            id=ws.new_id("F"),
            user=user_id,
            name=name,
            created=ws.now_seconds(),
            length=length,
            filetype=filetype or name.rpartition(".")[2],
        )
        ws.files[upload.id] = upload
        return upload.id


def receive_upload(ws: Workspace, file_id: str, content: bytes) -> bool:
    """The bytes POSTed to an upload URL; False for a URL the sandbox never handed out."""
    with ws.lock:
        upload = ws.files.get(file_id)
        if upload is None:
            return False
        upload.content = content
        return True


def share_files(
    ws: Workspace,
    channel,
    user_id: str,
    file_ids: list[str],
    comment: str,
    thread_ts: str | None = None,
) -> dict:
    """Post the `file_share` message that makes uploaded files appear in a channel."""
    files = [ws.files[file_id].to_api(ws.team_domain) for file_id in file_ids]
    message = messaging.new_message(ws, user_id, comment, None)
    message.update(subtype="file_share", files=files, upload=True)
    return messaging.post_message(ws, channel, message, thread_ts)


def get_upload_url(ctx: ApiContext, args: Args) -> dict:
    filename = args.required("filename", "invalid_arguments")
    length = args.int("length", 0)
    if length < 1:
        raise SlackError("invalid_arguments", "length must be a positive integer")
    file_id = new_file(ctx.ws, ctx.bot, filename, length)
    return {"ok": True, "upload_url": ctx.url_for(f"upload/{file_id}"), "file_id": file_id}


def complete_upload(ctx: ApiContext, args: Args) -> dict:
    entries = args.json("files", list)
    if not entries:
        raise SlackError("invalid_arguments", "files must list the uploaded files")
    with ctx.ws.lock:
        for entry in entries:
            upload = ctx.ws.files.get(entry.get("id", ""))
            if upload is None or upload.content is None:
                raise SlackError("file_not_found")
        channel_id = args.str("channel_id")
        channel = ctx.writable_channel(channel_id) if channel_id else None
        for entry in entries:
            ctx.ws.files[entry["id"]].title = entry.get("title") or ""
        file_ids = [entry["id"] for entry in entries]
        if channel is not None:
            share_files(
                ctx.ws,
                channel,
                ctx.bot,
                file_ids,
                args.str("initial_comment", ""),
                args.str("thread_ts"),
            )
        files = [ctx.ws.files[file_id].to_api(ctx.ws.team_domain) for file_id in file_ids]
        return {"ok": True, "files": files}


def files_info(ctx: ApiContext, args: Args) -> dict:
    upload = ctx.ws.files.get(args.str("file", ""))
    if upload is None:
        raise SlackError("file_not_found")
    return {"ok": True, "file": upload.to_api(ctx.ws.team_domain)}


METHODS = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": files_info,
}
