"""Temporary part files (``mmcanet_core.safety.partfiles``): no leftovers, even on SIGTERM or
SIGHUP."""

import errno
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mmcanet_core.errors import OutputError
from mmcanet_core.safety.guards import IncompleteWriteError
from mmcanet_core.safety.partfiles import (
    PART,
    find_stale_parts,
    host_tag,
    part_path,
    partial_output,
    partial_outputs,
    pid_running,
    remove_stale_parts,
)

ROOT = Path(__file__).resolve().parents[1]
S2 = "ROIs2017_winter_s2_cloudy/s2_cloudy_112/ROIs2017_winter_s2_cloudy_112_p797.tif"
#: A child that writes its part file, says "ready" and waits to be signalled.
CHILD = """
import signal, sys, time
from mmcanet_core.safety.partfiles import partial_output
# A suite started under nohup hands SIGHUP down ignored: each mode sets it as it means it.
signal.signal(signal.SIGHUP, signal.SIG_IGN if sys.argv[2] == "ignore-hup" else signal.SIG_DFL)
if sys.argv[2] == "own-handler":
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(3))
with partial_output(sys.argv[1]) as tmp:
    open(tmp, "w").write("partial")
    print("ready", flush=True)
    time.sleep(60)
"""


def dead_pid() -> int:
    """The id of a process that has just ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_part_name_is_hidden_recognisable_and_beside_the_output(tmp_path):
    part = part_path(tmp_path / "restored.tif", pid=1234)
    assert part.parent == tmp_path
    assert part.name == f".restored.tif.mmcanet-{host_tag()}-1234.part.tif"
    match = PART.match(part.name)
    assert match and match["name"] == "restored.tif" and match["pid"] == "1234"


def test_pid_running():
    assert pid_running(os.getpid()) and pid_running(os.getppid())
    assert not pid_running(dead_pid())


def test_stale_parts_are_those_of_dead_processes_on_this_machine(tmp_path):
    dead = dead_pid()
    stale = part_path(tmp_path / "a.tif", pid=dead)
    onnx = part_path(tmp_path / "m.onnx", pid=dead)
    live = part_path(tmp_path / "c.tif", pid=os.getppid())
    mine = part_path(tmp_path / "d.tif")
    elsewhere = tmp_path / f".e.tif.mmcanet-otherhost-{dead}.part.tif"
    user = tmp_path / "user.part.tif"
    for path in (stale, onnx, live, mine, elsewhere, user):
        path.write_bytes(b"x")
    Path(str(stale) + ".aux.xml").write_bytes(b"x")
    found = find_stale_parts(tmp_path)
    assert onnx.name.endswith(f"-{dead}.part.onnx")
    assert [(s.path, s.output, s.pid) for s in found] == [(stale, "a.tif", dead),
                                                          (onnx, "m.onnx", dead)]
    assert [s.path for s in find_stale_parts(tmp_path, output=tmp_path / "a.tif")] == [stale]
    removed = remove_stale_parts(tmp_path)
    assert sorted(removed) == sorted([stale, Path(str(stale) + ".aux.xml"), onnx])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (live, mine, elsewhere, user))


def test_only_files_provably_ours_are_ever_removed(tmp_path, sen12mscr, capsys):
    """Issue 24 rows 2 and 15: the user's files merely named like part files, a folder named
    like one, and absurd process ids are left alone, without a traceback."""
    from mmcanet_core.cli import main

    dead = dead_pid()
    real = tmp_path / ".scene.20230615.part.tif"  # a real GeoTIFF of the user's
    real.write_bytes((sen12mscr / S2).read_bytes())
    users = [real, tmp_path / ".holiday.2019.part.tif", tmp_path / f".r.{dead}.part.tif",
             Path(str(real) + ".aux.xml"), tmp_path / f".r.tif.mmcanet-{host_tag()}-0.part.tif",
             tmp_path / f".r.tif.mmcanet-{host_tag()}-{10**30}.part.tif",
             tmp_path / f".r.tif.mmcanet-{host_tag()}-{dead}.part.TIF",  # not a name we make
             tmp_path / f".r.tif.mmcanet-{host_tag()}-{dead}.part.png"]
    for path in users[1:]:
        path.write_bytes(b"the user's")
    folder = part_path(tmp_path / "f.tif", pid=dead)
    folder.mkdir()
    (folder / "inside.txt").write_text("the user's")
    link = part_path(tmp_path / "l.tif", pid=dead)
    link.symlink_to(real)
    ours = part_path(tmp_path / "r.tif", pid=dead)
    ours.write_bytes(b"x")
    Path(str(ours) + ".aux.xml").write_bytes(b"x")
    before = {p: p.read_bytes() for p in users}
    assert main(["clean", str(tmp_path), "--dry-run"]) == 0
    listed = capsys.readouterr().out
    assert listed.count("stale:") == 1 and f"{ours}" in listed and ".aux.xml" in listed
    assert main(["clean", str(tmp_path)]) == 0
    assert {p: p.read_bytes() for p in users} == before
    assert folder.is_dir() and (folder / "inside.txt").exists() and link.is_symlink()
    assert not ours.exists() and not Path(str(ours) + ".aux.xml").exists()
    # a plain run beside the user's look-alike removes nothing of theirs either
    with partial_output(tmp_path / "r.tif") as tmp:
        tmp.write_text("done")
    assert {p: p.read_bytes() for p in users} == before


def test_clean_command(tmp_path, capsys):
    from mmcanet_core.cli import main

    stale = part_path(tmp_path / "a.tif", pid=dead_pid())
    stale.write_bytes(b"x")
    assert main(["clean", str(tmp_path), "--dry-run"]) == 0
    assert f"stale: {stale}" in capsys.readouterr().out and stale.exists()
    assert main(["clean", str(tmp_path)]) == 0
    assert "removing" in capsys.readouterr().out and not stale.exists()
    assert main(["clean", str(tmp_path / "nowhere")]) == 2


def test_success_renames_into_place(tmp_path):
    out = tmp_path / "r.tif"
    with partial_output(out) as tmp:
        assert tmp == part_path(out)
        tmp.write_text("done")
        Path(str(tmp) + ".aux.xml").write_text("side file")
    assert out.read_text() == "done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.tif"]


def test_replacing_keeps_the_old_output_until_success(tmp_path):
    out = tmp_path / "r.tif"
    out.write_text("old")
    with pytest.raises(RuntimeError):
        with partial_output(out, overwrite=True) as tmp:
            tmp.write_text("new, half written")
            assert out.read_text() == "old"
            raise RuntimeError("failed")
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.tif"]
    with partial_output(out, overwrite=True) as tmp:
        tmp.write_text("new")
    assert out.read_text() == "new"


@pytest.mark.parametrize("links", [True, False])
def test_a_name_taken_meanwhile_is_never_replaced(tmp_path, monkeypatch, links):
    """Issue 24 row 4: two runs writing one output; the second to finish fails and leaves the
    first's file as it is (with and without hard links on the file system)."""
    if not links:
        def no_link(*args):
            raise OSError(errno.EPERM, "no hard links here")
        monkeypatch.setattr(os, "link", no_link)
    out = tmp_path / "r.tif"
    with pytest.raises(OutputError, match="appeared while this run was writing it"):
        with partial_output(out) as tmp:
            tmp.write_text("second run")
            out.write_text("first run")  # the other run finished meanwhile
    assert out.read_text() == "first run"
    assert [p.name for p in tmp_path.iterdir()] == ["r.tif"]
    masks = [tmp_path / "a.tif", tmp_path / "m.tif"]
    masks[1].write_text("the user's")
    with pytest.raises(OutputError, match="appeared"):
        with partial_outputs(masks) as parts:
            for part in parts:
                part.write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.tif", "r.tif"]  # a.tif undone
    assert masks[1].read_text() == "the user's"
    with partial_output(tmp_path / "new.tif") as tmp:
        tmp.write_text("done")
    assert (tmp_path / "new.tif").read_text() == "done"


def test_a_part_that_fails_its_check_is_never_put_into_place(tmp_path):
    def verify(part, index):
        raise IncompleteWriteError(errno.EIO, "block (3, 0) of band 1 is missing")

    with pytest.raises(OutputError, match="r.tif could not be written completely .*block .* "
                                          "missing.*nothing was kept"):
        with partial_output(tmp_path / "r.tif", verify=verify) as tmp:
            tmp.write_text("truncated")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_or_ctrl_c_removes_the_part(tmp_path, error):
    with pytest.raises(type(error)):
        with partial_output(tmp_path / "r.tif") as tmp:
            tmp.write_text("partial")
            Path(str(tmp) + ".aux.xml").write_text("side file")
            raise error
    assert list(tmp_path.iterdir()) == []


def test_disk_full_becomes_no_space_left(tmp_path, monkeypatch):
    from mmcanet_core.safety import guards

    usage = guards.shutil.disk_usage(tmp_path)
    with pytest.raises(OutputError, match=f"no space left on {tmp_path}"):
        with partial_output(tmp_path / "r.tif") as tmp:
            tmp.write_text("partial")
            monkeypatch.setattr(guards.shutil, "disk_usage", lambda p: usage._replace(free=0))
            raise OSError("Write failed. See previous exception for details.")
    assert list(tmp_path.iterdir()) == []


def test_handlers_installed_only_in_the_main_thread_and_restored(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    with partial_output(tmp_path / "r.tif") as tmp:
        tmp.write_text("x")
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before

    seen = []

    def worker():
        with partial_output(tmp_path / "w.tif") as tmp:
            tmp.write_text("x")
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [before] and (tmp_path / "w.tif").read_text() == "x"


def run_child(tmp_path, mode="plain"):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "r.tif"), mode],
                             stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
    assert child.stdout.readline().strip() == "ready"
    assert len(list(tmp_path.glob(".r.tif.mmcanet-*.part.tif"))) == 1
    return child


def test_sighup_removes_the_part_and_ends_the_process_by_that_signal(tmp_path):
    child = run_child(tmp_path)
    child.send_signal(signal.SIGHUP)
    assert child.wait(timeout=30) == -signal.SIGHUP  # killed by the signal, as without handler
    assert list(tmp_path.iterdir()) == []


def test_sigterm_cleans_up_and_an_ignored_sighup_stays_ignored(tmp_path):
    """Under nohup (SIGHUP ignored) the run goes on; SIGTERM cleans up and ends it."""
    child = run_child(tmp_path, "ignore-hup")
    child.send_signal(signal.SIGHUP)
    with pytest.raises(subprocess.TimeoutExpired):
        child.wait(timeout=1)
    assert len(list(tmp_path.iterdir())) == 1
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == -signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_the_callers_own_handler_runs_after_the_cleanup(tmp_path):
    child = run_child(tmp_path, "own-handler")
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 3
    assert list(tmp_path.iterdir()) == []
