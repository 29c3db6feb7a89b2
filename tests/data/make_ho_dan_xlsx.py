#!/usr/bin/env python3
# Writes tests/data/ho-dan-thon-3.xlsx, the workbook household_formats.sh
# imports: laid out the way Excel 2016 saves a commune's household list
# (a merged title row and a subtitle above the header, shared strings with
# a rich-text run, a phone typed as a number so Excel dropped its leading
# 0, an empty cell skipped, a second sheet).  Kept beside the fixture to
# show how it was made; the tests never run it.  Run: python3 THIS OUT.xlsx
import sys, zipfile

strings = []
def s(text):
    if text not in strings:
        strings.append(text)
    return strings.index(text)

def cell(ref, v):
    if v is None:
        return ''
    if isinstance(v, int):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="s"><v>{s(v)}</v></c>'

def sheet(rows):
    out = []
    for r, vals in rows:
        cells = ''.join(cell(f'{chr(65 + i)}{r}', v) for i, v in enumerate(vals))
        out.append(f'<row r="{r}">{cells}</row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetData>' + ''.join(out) + '</sheetData>'
            '<mergeCells count="1"><mergeCell ref="A1:F1"/></mergeCells></worksheet>')

hdr = ['STT', 'Họ và tên chủ hộ', 'Số ĐT', 'Xóm', 'Hình thức', 'Ghi chú']
thon3 = sheet([
    (1, ['DANH SÁCH HỘ DÂN THÔN 3 — XÃ TRÀ BUI', None, None, None, None, None]),
    (2, ['(cập nhật tháng 11/2026)', None, None, None, None, None]),
    (4, hdr),
    (5, [1, 'Hồ Văn Thưởng', '0912345601', 'Xóm Đông Tiến', 'SMS', None]),
    (6, [2, 'Nguyễn Thị Huệ', 912345602, 'Xóm Đông Tiến', 'Gọi điện', 'Bà cụ 82 tuổi, nghe kém']),
    (7, [3, 'Đinh Văn Ớt', '0912345603', 'Xóm Tây Sơn', 'SMS + gọi', None]),
    (8, [4, 'Trương Thị Ửng', '0912345604 / 0987654304', 'Xóm Tây Sơn', None, None]),
])
thon4 = sheet([
    (1, ['DANH SÁCH HỘ DÂN THÔN 4', None, None, None, None, None]),
    (3, hdr),
    (4, [1, 'Bríu Thị Lan', '0356111401', 'Tổ 5', 'Cả hai', None]),
])
# one rich-text string (a bold run), as Excel writes a partly formatted cell
sst_items = []
for t in strings:
    if t == 'Bà cụ 82 tuổi, nghe kém':
        sst_items.append('<si><r><rPr><b/></rPr><t>Bà cụ 82 tuổi</t></r><r><t xml:space="preserve">, nghe kém</t></r></si>')
    else:
        sst_items.append(f'<si><t>{t}</t></si>')
sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
       f'uniqueCount="{len(strings)}">' + ''.join(sst_items) + '</sst>')
parts = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Thôn 3" sheetId="1" r:id="rId1"/><sheet name="Thôn 4" sheetId="2" r:id="rId2"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': thon3,
    'xl/worksheets/sheet2.xml': thon4,
    'xl/sharedStrings.xml': sst,
}
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        z.writestr(name, text)
