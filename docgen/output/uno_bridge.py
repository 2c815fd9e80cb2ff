"""Drives one LibreOffice through its Python-UNO bridge: a job per line on stdin, an answer
per line on stdout.

Run by LibreOffice's own Python (the one that can ``import uno``), not by docgen's: it
imports nothing of docgen.  ``python uno_bridge.py SOFFICE PROFILE_URL PIPE_NAME``

It starts ``soffice --headless`` listening on a named pipe, connects, and says
``{"ready": seconds}``.  Then each line read is a job ``{"source": path, "target": path,
"filter": {name: value}}``: the document is opened hidden and read-only, laid out, and
exported with ``writer_pdf_Export``; the answer is ``{"ok": true, "pages": n, "load": s,
"layout": s, "export": s}`` or ``{"ok": false, "error": text}``.  When LibreOffice itself
is gone the answer carries ``"dead": true`` and the bridge exits.  At the end of its input it
closes LibreOffice, says ``{"cpu": seconds}`` (the processor time it used) and exits.
"""

import json
import os
import subprocess
import sys
import time

CONNECT_LIMIT = 120  # seconds LibreOffice may take to start listening


def answer(**values):
    sys.stdout.write(json.dumps(values, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main():
    soffice, profile, pipe = sys.argv[1:4]
    started = time.monotonic()
    office = start_office(soffice, profile, pipe)
    desktop = connect(office, pipe, started)
    answer(ready=round(time.monotonic() - started, 3))
    for line in sys.stdin:
        if not line.strip():
            continue
        serve(desktop, office, json.loads(line))
    shut_down(desktop, office)
    report_cpu()
    # pyuno may crash while the interpreter shuts down; there is nothing left to do
    sys.stdout.flush()
    os._exit(0)


def start_office(soffice, profile, pipe):
    """``soffice --headless`` with its own profile, listening on the named pipe."""
    return subprocess.Popen(
        [
            soffice,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            "-env:UserInstallation=" + profile,
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=sys.stderr,
    )


def connect(office, pipe, started):
    """LibreOffice's desktop once it listens; exits when it ends or does not start in time."""
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    context = None
    while context is None:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception as exc:  # NoConnectException until it listens
            if office.poll() is not None or time.monotonic() - started > CONNECT_LIMIT:
                answer(ready=False, error=f"LibreOffice did not start: {exc}")
                os._exit(3)
            time.sleep(0.05)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def prop(name, value):
    """A UNO property value."""
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def serve(desktop, office, job):
    """Print one job and answer with its timings; exits when LibreOffice itself is gone."""
    import uno

    document = None
    try:
        t0 = time.monotonic()
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(job["source"]),
            "_blank",
            0,
            (prop("Hidden", True), prop("ReadOnly", True), prop("UpdateDocMode", 0)),
        )
        if document is None:
            answer(ok=False, error="could not be loaded")
            return
        t1 = time.monotonic()
        pages = lay_out(document)
        t2 = time.monotonic()
        export(document, job)
        t3 = time.monotonic()
        answer(
            ok=True,
            pages=pages,
            load=round(t1 - t0, 4),
            layout=round(t2 - t1, 4),
            export=round(t3 - t2, 4),
        )
    except Exception as exc:
        failed(office, exc)
    finally:
        if document is not None:
            try:
                document.close(True)
            except Exception:
                pass


def lay_out(document):
    """Lay the whole document out, so the export only writes; its page count."""
    try:
        return document.getCurrentController().getPropertyValue("PageCount")
    except Exception:
        return None


def export(document, job):
    """Write the PDF with ``writer_pdf_Export`` and the job's filter settings."""
    import uno

    data = tuple(prop(k, v) for k, v in job.get("filter", {}).items())
    document.storeToURL(
        uno.systemPathToFileUrl(job["target"]),
        (
            prop("FilterName", "writer_pdf_Export"),
            prop("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", data)),
        ),
    )


def failed(office, exc):
    """Answer a job's failure; exit when LibreOffice itself is gone."""
    dead = office.poll() is not None or type(exc).__name__ in (
        "DisposedException",
        "RuntimeException",
    )
    answer(ok=False, error=f"{type(exc).__name__}: {exc}", dead=dead)
    if dead:
        os._exit(2)


def shut_down(desktop, office):
    """Close LibreOffice, killing it when it does not end."""
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        office.wait(timeout=10)
    except Exception:
        office.kill()


def report_cpu():
    """Say the processor time LibreOffice used, for the benchmarks."""
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        answer(cpu=round(used.ru_utime + used.ru_stime, 3))
    except Exception:
        pass


if __name__ == "__main__":
    main()
