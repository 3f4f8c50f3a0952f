"""Excel's own conventions, shared by every face: serial dates in both date systems
(:mod:`.dates`) and error values (:mod:`.errors`).

Pure (numpy and the standard library only), so the Excel functions, the workbook reader and
headless calc all convert the same way.
"""
