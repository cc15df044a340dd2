"""Where video files live: the local media folder (embedded default) or S3, behind one interface.

Both speak the same multipart upload protocol to clients (a URL per part, ETags, complete, abort); with S3
the client uploads straight to the bucket through presigned URLs and no video byte passes through us.
Which store a video uses is recorded on the row (`Video.storage`), so changing settings later does not
orphan videos uploaded before.
"""

import functools
import hashlib
import shutil
from pathlib import Path

from django.conf import settings

CHUNK = 1024 * 1024


class LocalStore:
    kind = "local"

    @property
    def root(self) -> Path:
        return Path(settings.MEDIA_ROOT)

    def path(self, key: str) -> Path:
        resolved = (self.root / key).resolve()
        if not str(resolved).startswith(str(self.root.resolve())):
            raise ValueError("key escapes the media root")
        return resolved

    # -- multipart, local flavour: each part is a file under uploads/<video>/ ------------------------
    def part_path(self, upload_key: str, part_number: int) -> Path:
        return self.path(f"uploads/{upload_key}/{part_number:05d}.part")

    def write_part(self, upload_key: str, part_number: int, stream, *, limit: int) -> tuple[int, str]:
        """Stream `stream` to the part file in 1 MiB chunks (constant memory). Returns (size, md5 hex).

        Written to a temporary name and renamed, so a dropped connection never leaves a half part that
        looks complete; re-sending a part replaces it.
        """
        final = self.part_path(upload_key, part_number)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_suffix(".tmp")
        digest, size = hashlib.md5(usedforsecurity=False), 0
        with tmp.open("wb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    out.close()
                    tmp.unlink(missing_ok=True)
                    raise OverflowError(limit)
                digest.update(chunk)
                out.write(chunk)
        tmp.replace(final)
        return size, digest.hexdigest()

    def assemble(self, upload_key: str, part_numbers: list[int], key: str) -> int:
        """Concatenate the parts, in order, into `key`; returns the total size."""
        dest = self.path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        total = 0
        with dest.open("wb") as out:
            for n in part_numbers:
                with self.part_path(upload_key, n).open("rb") as part:
                    shutil.copyfileobj(part, out, CHUNK)
                total += self.part_path(upload_key, n).stat().st_size
        self.discard_parts(upload_key)
        return total

    def discard_parts(self, upload_key: str) -> None:
        shutil.rmtree(self.path(f"uploads/{upload_key}"), ignore_errors=True)

    # -- files ---------------------------------------------------------------------------------------
    def local_copy(self, key: str, dest_dir: Path) -> Path:
        """A path ffmpeg can read: local files are read in place."""
        return self.path(key)

    def put_tree(self, src_dir: Path, prefix: str) -> None:
        """Publish a finished output folder under `prefix`, replacing any earlier run's output."""
        dest = self.path(prefix)
        staging = dest.with_name(dest.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(src_dir, staging)
        shutil.rmtree(dest, ignore_errors=True)
        staging.rename(dest)

    def read_text(self, key: str) -> str:
        return self.path(key).read_text()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete_prefix(self, prefix: str) -> None:
        target = self.path(prefix)
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


@functools.lru_cache(maxsize=4)
def _s3_client(endpoint_url, region, access_key, secret_key):
    """One boto3 client per configuration (clients are thread-safe and costly to build per call)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )


class S3Store:
    kind = "s3"

    def __init__(self):
        self.bucket = settings.AWS_STORAGE_BUCKET_NAME
        self.client = _s3_client(
            settings.AWS_S3_ENDPOINT_URL,
            settings.AWS_S3_REGION_NAME,
            settings.AWS_ACCESS_KEY_ID,
            settings.AWS_SECRET_ACCESS_KEY,
        )

    # -- multipart -----------------------------------------------------------------------------------
    def create_multipart(self, key: str, content_type: str) -> str:
        return self.client.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=content_type)["UploadId"]

    def presign_part(self, key: str, upload_id: str, part_number: int, expires: int) -> str:
        return self.client.generate_presigned_url(
            "upload_part",
            Params={"Bucket": self.bucket, "Key": key, "UploadId": upload_id, "PartNumber": part_number},
            ExpiresIn=expires,
        )

    def list_parts(self, key: str, upload_id: str) -> list[dict]:
        parts, marker = [], 0
        while True:
            page = self.client.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker)
            parts += [
                {"part_number": p["PartNumber"], "etag": p["ETag"].strip('"'), "size": p["Size"]}
                for p in page.get("Parts", [])
            ]
            if not page.get("IsTruncated"):
                return parts
            marker = page["NextPartNumberMarker"]

    def complete_multipart(self, key: str, upload_id: str, parts: list[dict]) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": p["part_number"], "ETag": f'"{p["etag"]}"'} for p in parts]},
        )

    def abort_multipart(self, key: str, upload_id: str) -> None:
        self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def size(self, key: str) -> int:
        return self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"]

    # -- files ---------------------------------------------------------------------------------------
    def local_copy(self, key: str, dest_dir: Path) -> Path:
        """Download the object to the worker's scratch folder (streamed by boto3, not held in memory)."""
        dest = dest_dir / "source"
        self.client.download_file(self.bucket, key, str(dest))
        return dest

    def put_tree(self, src_dir: Path, prefix: str) -> None:
        self.delete_prefix(prefix)
        for path in sorted(src_dir.rglob("*")):
            if path.is_file():
                key = f"{prefix}/{path.relative_to(src_dir).as_posix()}"
                self.client.upload_file(str(path), self.bucket, key, ExtraArgs={"ContentType": content_type_for(key)})

    def read_text(self, key: str) -> str:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read().decode()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError:
            return False

    def delete_prefix(self, prefix: str) -> None:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def presign_get(self, key: str, expires: int) -> str:
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
        )


CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(Path(key).suffix, "application/octet-stream")


def default_kind() -> str:
    """The store new uploads use: S3 when a bucket is configured."""
    return "s3" if settings.AWS_STORAGE_BUCKET_NAME else "local"


def store_for(kind: str) -> LocalStore | S3Store:
    return S3Store() if kind == "s3" else LocalStore()
