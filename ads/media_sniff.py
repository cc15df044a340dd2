"""The real type of an uploaded creative file, from its first bytes (the client's claim is not trusted)."""


def sniff_content_type(head: bytes) -> str:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return "application/octet-stream"


def sniff_upload(upload) -> tuple[str, int]:
    """(content type, size) of a Django UploadedFile, leaving it rewound for storage."""
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    return sniff_content_type(head), upload.size
