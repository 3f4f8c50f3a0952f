"""Excel's own conventions, shared by every face: serial dates and error values (pure)."""
