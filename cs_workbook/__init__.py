"""cs-workbook."""
