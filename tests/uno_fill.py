"""Type values into forms with LibreOffice itself, as a person would (run by the system python with `uno`).

    python3 uno_fill.py SOFFICE JOBS.json

Each job: {"src": path, "dst": path, "header": {label: text}, "rows": [{column label: text}],
"delete_rows": [table row index, 0 = the first row under the header]}: rows are deleted last, after
Review > Unprotect sheet (the forms have no password), as a person tidying the table would. Values are
entered with setFormula, which interprets them exactly like typing into the cell (so "2023/3/5" may become
a date and "00789" a number in a General cell). The filled document is saved as .xlsx by LibreOffice.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def norm(text):
    return "".join(str(text).split()).rstrip(":：")


def main():
    soffice, jobs_file = sys.argv[1], sys.argv[2]
    with open(jobs_file, encoding="utf-8") as fh:
        jobs = json.load(fh)
    profile = tempfile.mkdtemp(prefix="lo-uno-")
    pipe = f"formkit_uno_{os.getpid()}"
    proc = subprocess.Popen([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                             "--nologo", "--norestore", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    for _ in range(300):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.2)
    if ctx is None:
        proc.kill()
        raise SystemExit("LibreOffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    try:
        for job in jobs:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["src"]), "_blank", 0,
                                               (prop("Hidden", True),))
            sheet = doc.Sheets.getByIndex(0)
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            end = cursor.RangeAddress
            grid = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).getDataArray()
            for label, value in job.get("header", {}).items():
                r, c = next((r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if norm(v) == norm(label))
                sheet.getCellByPosition(c + 1, r).setFormula(value)
            labels = {norm(k) for row in job.get("rows", []) for k in row}
            hr = 0
            if labels:
                hr = max(range(len(grid)), key=lambda r: sum(norm(v) in labels for v in grid[r]))
                cols = {norm(v): c for c, v in enumerate(grid[hr]) if norm(v) in labels}
                for i, values in enumerate(job["rows"]):
                    for label, value in values.items():
                        sheet.getCellByPosition(cols[norm(label)], hr + 1 + i).setFormula(value)
            if job.get("insert_rows"):
                # as the form says: click the row number of the table's last blank row, right click, insert a row above
                # (through the dispatcher, which honours the sheet's protection as a person's click does); then type a
                # risk into the new row
                spec = job["insert_rows"]
                label_row = next(r for r, row in enumerate(grid) for v in row if norm(v) == norm(spec["above_label"]))
                controller = doc.getCurrentController()
                controller.setActiveSheet(sheet)
                dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
                at = label_row - 1
                for _ in range(spec["count"]):
                    controller.select(sheet.getCellRangeByPosition(0, at, 1023, at))
                    dispatcher.executeDispatch(controller.getFrame(), ".uno:InsertRowsBefore", "", 0, ())
                moved = next(r for r in range(label_row, label_row + 50)
                             if norm(sheet.getCellByPosition(1, r).getString()) == norm(spec["above_label"])
                             or norm(sheet.getCellByPosition(0, r).getString()) == norm(spec["above_label"]))
                with open(job["dst"] + ".inserted", "w", encoding="utf-8") as fh:
                    json.dump({"moved_by": moved - label_row, "protected": bool(sheet.isProtected())}, fh)
                cols = {norm(v): c for c, v in enumerate(grid[hr])}
                for label, value in spec.get("row", {}).items():
                    sheet.getCellByPosition(cols[norm(label)], at).setFormula(value)
            if job.get("delete_rows"):
                sheet.unprotect("")
                for i in sorted(job["delete_rows"], reverse=True):
                    sheet.Rows.removeByIndex(hr + 1 + i, 1)
            doc.storeToURL(uno.systemPathToFileUrl(job["dst"]), (prop("FilterName", "Calc MS Excel 2007 XML"),))
            doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the office process goes away during terminate
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
