"""Encrypted files in an S3-compatible bucket (AWS S3, SeaweedFS, MinIO, Ceph): the at-scale
shape of core.storage's FileStorage, chosen with CONSILIUM_FILES_BACKEND=s3.

What reaches the bucket is already ciphertext: EncryptedPendingFile seals each chunk in this
process before it is handed to the pending file here, so the bucket, its operator and anyone who
finds it left open see only AES-256-GCM chunks under random keys. Writes are multipart uploads
completed at commit(), so no object exists under a key until the whole file does; reads are
ranged GETs, so DecryptingReader fetches one sealed chunk at a time and a 75 MB file is never
held in memory.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from consilium.core.crypto import SeekableReader, TamperedFileError
from consilium.core.storage import new_key

logger = logging.getLogger(__name__)

# S3 refuses parts under 5 MiB (all but the last one).
MIN_PART_SIZE = 5 * 1024 * 1024
# What a key may look like once the prefix is put before it: no "." or ".." segment, no leading
# "/", nothing a server could normalise into another object's name.
_SAFE_KEY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3PendingFile:
    """A file being written: parts are uploaded as they fill, the object appears at commit()."""

    def __init__(self, storage: S3FileStorage) -> None:
        self.key = new_key()
        self._storage = storage
        self._object_key = storage.object_key(self.key)
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._open = True

    def _check_open(self) -> None:
        if not self._open:
            raise ValueError("the file was already committed or aborted")

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._check_open()
        self._buffer += data
        if len(self._buffer) >= self._storage.part_size:
            self._upload_part()
        return len(data)

    def _upload_part(self) -> None:
        storage = self._storage
        if self._upload_id is None:
            self._upload_id = storage.client.create_multipart_upload(
                Bucket=storage.bucket, Key=self._object_key
            )["UploadId"]
        # The buffer is handed over whole and replaced, not sliced, so a part is held in memory
        # once (plus the copy the HTTP request sends), whatever the file's size.
        body, self._buffer = bytes(self._buffer), bytearray()
        number = len(self._parts) + 1
        response = storage.client.upload_part(
            Bucket=storage.bucket, Key=self._object_key, UploadId=self._upload_id,
            PartNumber=number, Body=body,
        )
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def commit(self) -> None:
        self._check_open()
        storage = self._storage
        try:
            if self._upload_id is None:
                # Smaller than one part: a single PUT, which is just as atomic.
                storage.client.put_object(
                    Bucket=storage.bucket, Key=self._object_key, Body=bytes(self._buffer)
                )
            else:
                if self._buffer:
                    self._upload_part()
                storage.client.complete_multipart_upload(
                    Bucket=storage.bucket, Key=self._object_key, UploadId=self._upload_id,
                    MultipartUpload={"Parts": self._parts},
                )
        except BaseException:
            self.abort()
            raise
        self._open = False
        self._buffer = bytearray()

    def abort(self) -> None:
        if not self._open:
            return
        self._open = False
        self._buffer = bytearray()
        if self._upload_id is not None:
            # Parts already sent are ciphertext; if this fails too, the bucket's lifecycle rule
            # for incomplete multipart uploads removes them (README, object storage).
            try:
                self._storage.client.abort_multipart_upload(
                    Bucket=self._storage.bucket, Key=self._object_key, UploadId=self._upload_id
                )
            except (BotoCoreError, ClientError) as error:
                logger.warning("could not abort the upload of %s: %s", self.key, type(error))


class S3ObjectReader(SeekableReader):
    """A seekable, read-only view of one object: every read is one ranged GET, pinned to the
    object's ETag so all the ranges come from the same object."""

    def __init__(self, storage: S3FileStorage, key: str) -> None:
        super().__init__()
        self._storage = storage
        self._object_key = storage.object_key(key)
        try:
            head = storage.client.head_object(Bucket=storage.bucket, Key=self._object_key)
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND:
                raise FileNotFoundError(f"no stored file under {key}") from None
            raise
        self._size = int(head["ContentLength"])
        self._etag = str(head["ETag"])
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("read from a closed file")
        end = self._size if size is None or size < 0 else min(self._size, self._pos + size)
        if self._pos >= end:
            return b""
        storage = self._storage
        try:
            response = storage.client.get_object(
                Bucket=storage.bucket, Key=self._object_key, IfMatch=self._etag,
                Range=f"bytes={self._pos}-{end - 1}",
            )
        except ClientError as error:
            code = _error_code(error)
            if code in _NOT_FOUND:
                raise FileNotFoundError("the stored file was deleted while it was read") from None
            if code in {"412", "PreconditionFailed"}:
                raise TamperedFileError("the stored file changed while it was read") from None
            raise
        data: bytes = response["Body"].read()
        if len(data) != end - self._pos:
            raise TamperedFileError("the stored file returned a short range")
        self._pos = end
        return data

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)


class S3FileStorage:
    """Files as objects in one bucket, under an optional prefix (a bucket shared with other
    deployments, or one prefix per test)."""

    def __init__(self, *, client: Any, bucket: str, prefix: str = "", part_size: int) -> None:
        if part_size < MIN_PART_SIZE:
            raise ImproperlyConfigured("an S3 multipart part must be at least 5 MiB")
        if prefix and not _SAFE_KEY.fullmatch(prefix.rstrip("/")):
            raise ImproperlyConfigured(f"unsafe FILES_S3_PREFIX {prefix!r}")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.rstrip("/") + "/" if prefix else ""
        self.part_size = part_size

    def object_key(self, key: str) -> str:
        if not _SAFE_KEY.fullmatch(key) or {".", ".."} & set(key.split("/")):
            raise ValueError("storage key is not one this store makes")
        return self.prefix + key

    def open_write(self) -> S3PendingFile:
        return S3PendingFile(self)

    def open_read(self, key: str) -> BinaryIO:
        # A raw, seekable byte stream: what DecryptingReader asks of its source.
        return cast(BinaryIO, S3ObjectReader(self, key))

    def delete(self, key: str) -> None:
        # Deleting a missing object succeeds in S3, as unlink(missing_ok=True) does on disk.
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND:
                return False
            raise
        return True


@lru_cache(maxsize=8)
def s3_client(
    *, endpoint: str, region: str, access_key_id: str, secret_access_key: str,
    addressing_style: str,
) -> Any:
    """One client per configuration: making one costs tens of milliseconds, and a client is safe
    to share between threads. Empty credentials fall back to boto3's own chain (an instance or
    pod role, AWS_* variables)."""
    credentials = (
        {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret_access_key}
        if access_key_id else {}
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region or None,
        config=Config(
            s3={"addressing_style": addressing_style},
            connect_timeout=10,
            read_timeout=60,
            retries={"mode": "standard", "max_attempts": 5},
        ),
        **credentials,
    )


def s3_storage() -> S3FileStorage:
    """The store the settings name (CONSILIUM_FILES_S3_*)."""
    if not settings.FILES_S3_BUCKET:
        raise ImproperlyConfigured("CONSILIUM_FILES_BACKEND=s3 needs CONSILIUM_FILES_S3_BUCKET")
    client = s3_client(
        endpoint=settings.FILES_S3_ENDPOINT,
        region=settings.FILES_S3_REGION,
        access_key_id=settings.FILES_S3_ACCESS_KEY_ID,
        secret_access_key=settings.FILES_S3_SECRET_ACCESS_KEY,
        addressing_style=settings.FILES_S3_ADDRESSING_STYLE,
    )
    return S3FileStorage(
        client=client, bucket=settings.FILES_S3_BUCKET, prefix=settings.FILES_S3_PREFIX,
        part_size=settings.FILES_S3_PART_MB * 1024 * 1024,
    )
