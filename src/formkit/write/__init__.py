"""Writers: the consolidated workbook, report.json, feedback workbooks and mails, the publication."""
