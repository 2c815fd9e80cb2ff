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
    office = subprocess.Popen(
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
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        p = PropertyValue()
        p.Name = name
        p.Value = value
        return p

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
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    answer(ready=round(time.monotonic() - started, 3))

    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
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
                continue
            t1 = time.monotonic()
            try:  # lays the whole document out, so the export only writes
                pages = document.getCurrentController().getPropertyValue("PageCount")
            except Exception:
                pages = None
            t2 = time.monotonic()
            data = tuple(prop(k, v) for k, v in job.get("filter", {}).items())
            document.storeToURL(
                uno.systemPathToFileUrl(job["target"]),
                (
                    prop("FilterName", "writer_pdf_Export"),
                    prop("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", data)),
                ),
            )
            t3 = time.monotonic()
            answer(
                ok=True,
                pages=pages,
                load=round(t1 - t0, 4),
                layout=round(t2 - t1, 4),
                export=round(t3 - t2, 4),
            )
        except Exception as exc:
            dead = office.poll() is not None or type(exc).__name__ in (
                "DisposedException",
                "RuntimeException",
            )
            answer(ok=False, error=f"{type(exc).__name__}: {exc}", dead=dead)
            if dead:
                os._exit(2)
        finally:
            if document is not None:
                try:
                    document.close(True)
                except Exception:
                    pass
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        office.wait(timeout=10)
    except Exception:
        office.kill()
    try:  # LibreOffice's processor time, for the benchmarks
        import resource

        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        answer(cpu=round(used.ru_utime + used.ru_stime, 3))
    except Exception:
        pass
    # pyuno may crash while the interpreter shuts down; there is nothing left to do
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
