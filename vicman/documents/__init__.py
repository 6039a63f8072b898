"""Documents vicman produces for people outside it: letters to victims (templates and filling).

Pure Python: no Qt (rendering to PDF lives in `vicman.gui.pdf`) and no database.
"""
