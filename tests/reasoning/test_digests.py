"""The digests of data files: remembered by file status, never reused for edited content."""

from __future__ import annotations

import hashlib
import json
import os
import time

import pytest

from aiworkforce.reasoning import cache, digests


@pytest.fixture
def hashed(monkeypatch):
    """Count the files actually read (the digest is still computed for real)."""
    calls = []
    real = digests._sha256_of_stream

    def counting(handle):
        calls.append(os.path.basename(handle.name))
        return real(handle)

    monkeypatch.setattr(digests, "_sha256_of_stream", counting)
    return calls


@pytest.fixture
def settled(monkeypatch):
    """A short settling time, so a test waits a tenth of a second instead of two."""
    monkeypatch.setattr(digests, "SETTLED", 0.05)
    return 0.1


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_settled_file_is_hashed_once_then_its_digest_is_reused(tmp_path, hashed, settled):
    data = tmp_path / "data.ttl"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    time.sleep(settled)
    assert digests.file_digests([data], tmp_path / "cache") == [sha(data.read_bytes())]
    assert digests.file_digests([data], tmp_path / "cache") == [sha(data.read_bytes())]
    assert hashed == ["data.ttl"]
    memo = json.loads((tmp_path / "cache" / digests.MEMO).read_text())
    assert list(memo) == [str(data.resolve())]


def test_an_edit_of_the_same_size_with_the_old_modification_time_is_seen(tmp_path, hashed, settled):
    data = tmp_path / "data.ttl"
    data.write_bytes(b'<urn:a> <urn:b> "one" .\n')
    before = os.stat(data)
    time.sleep(settled)
    assert digests.file_digests([data], tmp_path) == [sha(b'<urn:a> <urn:b> "one" .\n')]
    data.write_bytes(b'<urn:a> <urn:b> "two" .\n')  # same size, same inode
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time set back: not the change time
    assert os.stat(data).st_size == before.st_size and os.stat(data).st_mtime_ns == before.st_mtime_ns
    assert digests.file_digests([data], tmp_path) == [sha(b'<urn:a> <urn:b> "two" .\n')]
    assert hashed == ["data.ttl", "data.ttl"]


def test_a_file_replaced_by_another_is_hashed_again(tmp_path, hashed, settled):
    data, other = tmp_path / "data.ttl", tmp_path / "other.ttl"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    other.write_bytes(b"<urn:a> <urn:b> <urn:d> .\n")
    time.sleep(settled)
    digests.file_digests([data], tmp_path)
    os.replace(other, data)  # a new inode (an editor's save-and-rename)
    assert digests.file_digests([data], tmp_path) == [sha(b"<urn:a> <urn:b> <urn:d> .\n")]
    assert len(hashed) == 2


def test_a_file_changed_just_before_hashing_is_not_remembered(tmp_path, hashed):
    data = tmp_path / "data.ttl"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")  # written now: within SETTLED of the hashing
    for _ in range(2):
        assert digests.file_digests([data], tmp_path) == [sha(data.read_bytes())]
    assert hashed == ["data.ttl", "data.ttl"]
    assert not (tmp_path / digests.MEMO).exists()


@pytest.mark.parametrize("damage", ["not json", "[1, 2]", '{"x": [[1, 2], "abc"]}', '{"x": 3}'])
def test_a_malformed_memo_is_ignored_and_replaced(tmp_path, hashed, settled, damage):
    data = tmp_path / "data.ttl"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    time.sleep(settled)
    (tmp_path / digests.MEMO).write_text(damage)
    assert digests.file_digests([data], tmp_path) == [sha(data.read_bytes())]
    assert str(data.resolve()) in json.loads((tmp_path / digests.MEMO).read_text())


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_a_memo_others_may_write_is_not_read(tmp_path, hashed, settled):
    data = tmp_path / "data.ttl"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    time.sleep(settled)
    digests.file_digests([data], tmp_path)
    memo = tmp_path / digests.MEMO
    planted = json.loads(memo.read_text())
    planted[str(data.resolve())][1] = sha(b"something else")
    memo.write_text(json.dumps(planted))
    memo.chmod(0o666)
    assert digests.file_digests([data], tmp_path) == [sha(data.read_bytes())]
    assert hashed == ["data.ttl", "data.ttl"]


def test_only_the_most_recently_hashed_files_are_remembered(tmp_path, monkeypatch, settled):
    monkeypatch.setattr(digests, "REMEMBERED", 2)
    files = []
    for name in "abc":
        files.append(tmp_path / f"{name}.ttl")
        files[-1].write_bytes(f"<urn:{name}> <urn:b> <urn:c> .\n".encode())
    time.sleep(settled)
    for path in files:
        digests.file_digests([path], tmp_path / "cache")
    digests.file_digests([files[1]], tmp_path / "cache")  # already remembered: not moved, nothing written
    memo = json.loads((tmp_path / "cache" / digests.MEMO).read_text())
    assert list(memo) == [str(files[1].resolve()), str(files[2].resolve())]


def test_the_data_key_follows_the_content_and_the_names(tmp_path, monkeypatch, settled):
    monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(tmp_path / "cache"))
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    one.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    two.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    time.sleep(settled)
    first = cache.data_key([one])
    assert cache.data_key([one]) == first  # the second time from the memo
    assert cache.data_key([two]) != first  # the same content under another name
    assert cache.data_key([one, two]) not in (first, cache.data_key([two, one]))
    one.write_bytes(b"<urn:a> <urn:b> <urn:d> .\n")
    assert cache.data_key([one]) != first


def test_a_memo_nested_too_deep_to_read_is_ignored(tmp_path, hashed, settled):
    data = tmp_path / "data.ttl"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    time.sleep(settled)
    (tmp_path / digests.MEMO).write_text("[" * 100_000)
    assert digests.file_digests([data], tmp_path) == [sha(data.read_bytes())]


def test_a_file_edited_while_it_is_hashed_is_not_remembered(tmp_path, monkeypatch, settled):
    data = tmp_path / "data.ttl"
    data.write_bytes(b'<urn:a> <urn:b> "one" .\n')
    time.sleep(settled)
    real = digests._sha256_of_stream

    def editing(handle):  # another program rewrites the file (same size) while it is read
        digest = real(handle)
        with open(data, "r+b") as other:
            other.write(b'<urn:a> <urn:b> "two" .\n')
        return digest

    monkeypatch.setattr(digests, "_sha256_of_stream", editing)
    digests.file_digests([data], tmp_path)
    assert not (tmp_path / digests.MEMO).exists()


def test_nothing_is_remembered_where_the_change_time_is_the_creation_time(tmp_path, monkeypatch, settled):
    data = tmp_path / "data.ttl"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    time.sleep(settled)
    monkeypatch.setattr(digests.os, "name", "nt")
    assert digests.file_digests([data], tmp_path) == [sha(data.read_bytes())]
    assert not (tmp_path / digests.MEMO).exists()
