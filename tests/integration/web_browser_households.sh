# The households pages in a real headless Chromium, as an officer uses
# them on a desktop (1280×900) and on a phone (390×844): search by name
# without accents, by a part of a number, filter by a hamlet; edit a
# household (a second phone, groups by name, address, opt-out; a wrong
# number refused beside its field first); upload the village's Excel
# sheet (.xlsx with title rows and Vietnamese headers, written here) with
# "update" ticked, see exactly one add and one change, confirm; mark a
# household "Đã báo tận nhà" on a notice's visit list and see the notice
# count it as reached.  No page scrolls sideways on the phone, no script
# runs from hostile names or notes, the Content-Security-Policy blocks
# nothing of ours.  The shell then checks the database and `loa household
# list --csv`.  Screenshots: $BUILD/screenshots/households-*.png.  Skips
# (77) only when chromium or node/npm, or playwright-core, cannot be had.
source "$(dirname "$0")/lib.sh"
WEB_NO_CURL=1 source "$(dirname "$0")/web_lib.bash"
source "$(dirname "$0")/browser_lib.bash"
rm -f "$SHOTS"/households-*

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
expect_rc 0 "$LOA" init
# the village's list as it came from the volunteer (ids 1-9 in this order);
# two households with hostile names, one with a hostile note
{
	printf 'Họ và tên chủ hộ,Số ĐT,Xóm,Cách nhận,Ghi chú\n'
	printf 'Nguyễn Văn An,0912345601,Xóm Đông Tiến,SMS,\n'
	printf '<script>alert(1)</script>,0912000111,Xóm Đông Tiến,SMS + gọi,\n'
	printf '<img src=x onerror=alert(2)>,0912000112,Xóm Tây Sơn,SMS,"""><svg onload=alert(3)>"\n'
	printf 'Lê Thị Cúc,0905123456,Xóm Tây Sơn,Gọi điện,bà cụ 80 tuổi\n'
	printf 'Trần Văn Dũng,0987654321,Xóm Tây Sơn,SMS,\n'
	printf 'Phạm Thị Dung,0912345604,Xóm Đông Tiến,SMS,\n'
	printf 'Hoàng Văn Em,0912345605,Xóm Bắc,Cả hai,\n'
	printf 'Nguyễn Thị An,0912345606,Xóm Bắc,SMS,\n'
	printf 'Nguyễn Văn Anh,0912345607,Xóm Bắc,SMS,con trai ông An\n'
} >"$WORK/h.csv"
expect_rc 0 "$LOA" household import "$WORK/h.csv"
[ "$(sql "SELECT group_concat(id || ':' || name, '|') FROM (SELECT id, name FROM households WHERE id IN (1, 5, 6, 7) ORDER BY id)")" \
	= "1:Nguyễn Văn An|5:Trần Văn Dũng|6:Phạm Thị Dung|7:Hoàng Văn Em" ] || fail "import order: $(sql "SELECT id, name FROM households")"
expect_rc 0 "$LOA" notice send --to all "Họp thôn lúc 19h30 tối nay tại nhà văn hóa. Đề nghị các hộ đến đúng giờ."
# the notice went out: most households reached, five not (the visit list)
sql "UPDATE deliveries SET state = CASE channel WHEN 'sms' THEN 'delivered' ELSE 'confirmed' END, attempts = 1, updated_at = updated_at + 120"
sql "UPDATE deliveries SET state = CASE channel WHEN 'sms' THEN 'failed' ELSE 'unreached' END, attempts = 2,
	last_error = CASE channel WHEN 'sms' THEN '+CMS ERROR 1: unassigned (unallocated) number' ELSE 'no answer' END
	WHERE household_id IN (2, 3, 4, 5, 7)"
expect_rc 0 "$LOA" user add admin <<<'mat-khau-dai'

start_web

cat >"$WORK/drive.js" <<'JS'
const { check, open, login, SIZES } = require(process.env.BROWSER_LIB);
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const URL = process.env.URL, WORK = process.env.WORK;

// ---- an .xlsx as Excel writes one: a deflated zip of XML parts, shared
// strings, a title row merged above the header, a phone typed as a number
const CRC = Array.from({ length: 256 }, (_, n) => {
	for (let k = 0; k < 8; k++) n = n & 1 ? 0xEDB88320 ^ (n >>> 1) : n >>> 1;
	return n >>> 0;
});
function crc32(buf) {
	let c = 0xFFFFFFFF;
	for (const b of buf) c = CRC[(c ^ b) & 255] ^ (c >>> 8);
	return (c ^ 0xFFFFFFFF) >>> 0;
}
function zip(parts) {
	const local = [], central = [];
	let off = 0;
	const DATE = ((2026 - 1980) << 9) | (11 << 5) | 28, TIME = 9 << 11; // 2026-11-28 09:00
	for (const [name, text] of parts) {
		const data = Buffer.from(text, 'utf8'), comp = zlib.deflateRawSync(data), nm = Buffer.from(name, 'utf8');
		const h = Buffer.alloc(30), c = Buffer.alloc(46);
		h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(0x0800, 6); h.writeUInt16LE(8, 8);
		h.writeUInt16LE(TIME, 10); h.writeUInt16LE(DATE, 12); h.writeUInt32LE(crc32(data), 14);
		h.writeUInt32LE(comp.length, 18); h.writeUInt32LE(data.length, 22); h.writeUInt16LE(nm.length, 26);
		c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(0x0800, 8);
		c.writeUInt16LE(8, 10); c.writeUInt16LE(TIME, 12); c.writeUInt16LE(DATE, 14); h.copy(c, 16, 14, 26);
		c.writeUInt16LE(nm.length, 28); c.writeUInt32LE(off, 42);
		local.push(h, nm, comp);
		central.push(c, nm);
		off += 30 + nm.length + comp.length;
	}
	const cd = Buffer.concat(central), end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(parts.length, 8); end.writeUInt16LE(parts.length, 10);
	end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
	return Buffer.concat([...local, cd, end]);
}
const esc = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
const NS = 'http://schemas.openxmlformats.org/', REL = NS + 'officeDocument/2006/relationships';
// rows: arrays of cells (a string, a number, or null for an empty cell)
function xlsx(file, sheetName, rows) {
	const strings = [], index = new Map();
	const sheetRows = rows.map((row, i) => {
		const cells = row.map((v, j) => {
			const ref = String.fromCharCode(65 + j) + (i + 1);
			if (v === null) return '';
			if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
			if (!index.has(v)) { index.set(v, strings.length); strings.push(v); }
			return `<c r="${ref}" t="s"><v>${index.get(v)}</v></c>`;
		}).join('');
		return cells ? `<row r="${i + 1}">${cells}</row>` : '';
	}).join('');
	const last = String.fromCharCode(64 + Math.max(...rows.map(r => r.length)));
	fs.writeFileSync(file, zip([
		['[Content_Types].xml', XML + `<Types xmlns="${NS}package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`],
		['_rels/.rels', XML + `<Relationships xmlns="${NS}package/2006/relationships">` +
			`<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
		['xl/workbook.xml', XML + `<workbook xmlns="${NS}spreadsheetml/2006/main" xmlns:r="${REL}">` +
			`<sheets><sheet name="${esc(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`],
		['xl/_rels/workbook.xml.rels', XML + `<Relationships xmlns="${NS}package/2006/relationships">` +
			`<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`],
		['xl/sharedStrings.xml', XML + `<sst xmlns="${NS}spreadsheetml/2006/main" uniqueCount="${strings.length}">` +
			strings.map(s => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('') + '</sst>'],
		['xl/worksheets/sheet1.xml', XML + `<worksheet xmlns="${NS}spreadsheetml/2006/main" xmlns:r="${REL}">` +
			`<dimension ref="A1:${last}${rows.length}"/><sheetData>${sheetRows}</sheetData>` +
			`<mergeCells count="1"><mergeCell ref="A1:${last}1"/></mergeCells></worksheet>`],
	]));
}
const TITLE = [['DANH SÁCH HỘ DÂN THÔN TÂN LỢI'], ['Xã Hòa Bình — cập nhật tháng 11/2026'], [],
	       ['STT', 'Họ và tên chủ hộ', 'Số ĐT', 'Xóm', 'Ghi chú']];

// What each screen size does: its own household to edit, its own sheet
// (one household unchanged, one changed, one new) and its own visit.
const PLAN = {
	desktop: {
		edit: { id: 5, search: 'tran van dung', phone2: '0978 111 222', groups: 'Xóm Đông Tiến',
			shown: 'Xóm Đông Tiến', address: 'Số 12, ngõ 3, cạnh cổng trường' },
		tay_son: ['<img src=x onerror=alert(2)>', 'Lê Thị Cúc', 'Trần Văn Dũng'],
		sheet: [[1, 'Nguyễn Văn An', 912345601, 'Xóm Đông Tiến', null],
			[2, 'Lê Thị Cúc', '0905 123 456', 'Xóm Tây Sơn', 'bà cụ 80 tuổi, ở với con trai'],
			[3, 'Kiều Văn Mới', '0905111222', 'Xóm Tây Sơn', 'mới chuyển đến']],
		added: 'Kiều Văn Mới', changed: 'Lê Thị Cúc', visit: 2,
	},
	phone: {
		edit: { id: 6, search: 'pham thi dung', phone2: '0868 222 333', groups: 'Xóm Đông Tiến, Tổ 5',
			shown: 'Tổ 5, Xóm Đông Tiến', address: 'Nhà cuối ngõ 7' },
		tay_son: ['<img src=x onerror=alert(2)>', 'Kiều Văn Mới', 'Lê Thị Cúc'],
		sheet: [[1, 'Nguyễn Thị An', '0912.345.606', 'Xóm Bắc', null],
			[2, 'Hoàng Văn Em', '0912345605', 'Xóm Nam', '<img src=x onerror=alert(5)>'],
			[3, 'Hà Thị Mới', '0905 111 333', 'Xóm Nam', null]],
		added: 'Hà Thị Mới', changed: 'Hoàng Văn Em', visit: 3,
	},
};

const names = page => page.$$eval('#households tr td:first-child a', as => as.map(a => a.textContent));
const reached = async page => {
	const t = await page.textContent('tr:has-text("Số hộ đã nhận")');
	return Number(/(\d+)\/\d+/.exec(t)[1]);
};
// no element made from hostile data, no attribute made from escaped markup
async function clean(s, where) {
	check(await s.page.locator('script, img, svg, iframe').count() === 0, 'no script, image or svg element: ' + where);
	const bad = await s.badAttrs();
	check(bad.length === 0, `malformed attributes on ${where}: ${bad.join(' ')}`);
}

async function session(name) {
	const s = await open('households-' + name, SIZES[name]);
	const { page, shot, fits } = s, plan = PLAN[name];
	await login(page, URL + '/households', 'admin', 'mat-khau-dai');

	// 1. the list, search without accents, by a part of a number, by hamlet
	await page.goto(URL + '/households');
	check(await fits(), 'households without sideways scrolling');
	const all = await names(page);
	check(all.includes('<script>alert(1)</script>') && all.includes('<img src=x onerror=alert(2)>'), 'hostile names as text');
	check((await page.textContent('#households')).includes('"><svg onload=alert(3)>'), 'hostile note as text');
	await clean(s, '/households');
	await shot('list');
	await page.fill('#filters input[name=q]', 'nguyen van an');
	await Promise.all([page.waitForNavigation(), page.click('#filters button[type=submit]')]);
	let found = await names(page);
	check(found.includes('Nguyễn Văn An') && found.includes('Nguyễn Văn Anh') && !found.includes('Nguyễn Thị An'),
	      'search "nguyen van an": ' + found);
	check((await page.inputValue('#filters input[name=q]')) === 'nguyen van an', 'the search stays in its box');
	await shot('search');
	await page.fill('#filters input[name=q]', '345 605');
	await Promise.all([page.waitForNavigation(), page.click('#filters button[type=submit]')]);
	found = await names(page);
	check(found.length === 1 && found[0] === 'Hoàng Văn Em', 'search by a part of a number: ' + found);
	check(await page.locator('#households a[href="tel:0912345605"]').count() === 1, 'the number to tap');
	await page.fill('#filters input[name=q]', '');
	await page.selectOption('#filters select[name=group]', { label: 'Xóm Tây Sơn' });
	await Promise.all([page.waitForNavigation(), page.click('#filters button[type=submit]')]);
	check(new globalThis.URL(page.url()).searchParams.get('group') === 'xom-tay-son', 'filtered by code: ' + page.url());
	found = (await names(page)).sort();
	check(JSON.stringify(found) === JSON.stringify([...plan.tay_son].sort()), 'hamlet Xóm Tây Sơn: ' + found);
	check((await page.textContent('#count')).startsWith(`${plan.tay_son.length} hộ`), 'the count');
	await clean(s, '/households?group=');
	check(await fits(), 'filtered list without sideways scrolling');
	await shot('group');

	// 2. edit a household found by its name: a wrong second number first
	const e = plan.edit;
	await page.goto(URL + '/households?q=' + encodeURIComponent(e.search));
	await Promise.all([page.waitForNavigation(), page.click('#households a:has-text("Sửa")')]);
	check(new globalThis.URL(page.url()).pathname === '/household/edit', 'the edit form: ' + page.url());
	check(await fits(), 'the edit form without sideways scrolling');
	await page.fill('#f-phone2', '0912 345');
	await page.fill('#f-groups', e.groups);
	await page.fill('#f-address', e.address);
	await page.check('#household input[name=optout]');
	await Promise.all([page.waitForNavigation(), page.click('#household button[type=submit]')]);
	check(await page.locator('#saved').count() === 0, 'not saved with a wrong number');
	check((await page.textContent('#err-phone2')).includes('không phải số di động Việt Nam'), 'the problem beside its field');
	check((await page.inputValue('#f-address')) === e.address, 'the typed values kept');
	check(await page.getAttribute('#f-phone2', 'aria-invalid') === 'true', 'the field at fault marked');
	await clean(s, 'the refused form');
	check(await fits(), 'the refused form without sideways scrolling');
	await shot('edit-refused');
	await page.fill('#f-phone2', e.phone2);
	await Promise.all([page.waitForNavigation(), page.click('#household button[type=submit]')]);
	check(new globalThis.URL(page.url()).search === `?id=${e.id}&saved=1`, 'saved: ' + page.url());
	check((await page.textContent('#saved')).includes('Đã lưu'), 'the saved message');
	check((await page.inputValue('#f-phone2')) === e.phone2.replace(/ /g, ''), 'second phone stored');
	check((await page.inputValue('#f-groups')) === e.shown, 'groups by name: ' + await page.inputValue('#f-groups'));
	check((await page.inputValue('#f-address')) === e.address, 'address stored');
	check(await page.isChecked('#household input[name=optout]') && await page.isChecked('#household input[name=active]'),
	      'opted out, still active');
	check(await fits(), 'the saved form without sideways scrolling');
	await shot('edit');

	// 3. the village's sheet: update one household, add one
	await page.goto(URL + '/households');
	await Promise.all([page.waitForNavigation(), page.click('main a[href="/households/upload"]')]);
	const file = path.join(WORK, `ho-dan-thon-tan-loi-${name}.xlsx`);
	xlsx(file, 'Danh sách hộ', [...TITLE, ...plan.sheet]);
	await page.setInputFiles('input[name=file]', file);
	await page.check('input[name=update]');
	check(!(await page.isChecked('input[name=deactivate]')), 'nobody removed by default');
	await shot('upload');
	await Promise.all([page.waitForNavigation(), page.click('button:has-text("Xem trước")')]);
	let body = await page.textContent('main');
	check(body.includes(`ho-dan-thon-tan-loi-${name}.xlsx`) && body.includes('cập nhật các hộ đã có'), 'the file and the choice');
	check(body.includes('3 dòng hộ: thêm 1, sửa 1, giữ nguyên 1.'), 'exactly one add and one change: ' + body);
	check(await page.locator('h2:has-text("Thêm 1 hộ mới") + table tr:has-text("' + plan.added + '")').count() === 1, 'the add listed');
	check(await page.locator('h2:has-text("Sửa 1 hộ") + table tr:has-text("' + plan.changed + '")').count() === 1, 'the change listed');
	check(await page.locator('h2:has-text("Thêm") + table tr').count() === 2 && await page.locator('h2:has-text("Sửa") + table tr').count() === 2,
	      'one row each');
	if (name === 'phone')
		check(body.includes('<img src=x onerror=alert(5)>') && body.includes('Xóm Nam'), 'the new note as text, the new hamlet');
	else
		check(body.includes('912345601'), 'the remark on the number that lost its 0');
	await clean(s, 'upload preview');
	check(await fits(), 'upload preview without sideways scrolling');
	await shot('upload-preview');
	await Promise.all([page.waitForNavigation(), page.click('button:has-text("Xác nhận nhập")')]);
	body = await page.textContent('main');
	check(body.includes('Đã nhập danh sách hộ') && body.includes('đã thêm 1 hộ, sửa 1 hộ, bỏ 0 hộ; 1 hộ giữ nguyên'), 'the result: ' + body);
	await shot('upload-done');
	await page.goto(URL + '/households?q=' + encodeURIComponent(plan.added));
	check((await names(page)).includes(plan.added), 'the new household on the list');

	// 4. the visit list: one household told in person, counted as reached
	await page.goto(URL + '/notice?id=1');
	const before = await reached(page);
	await page.goto(URL + '/unreached?id=1');
	const row = `#h-${plan.visit}`;
	check(await page.locator(`${row} button:has-text("Đã báo tận nhà")`).count() === 1, 'the button');
	check(await page.locator('#h-5 a[href="tel:+84987654321"]').count() === 1 &&
	      await page.locator('#h-5 a[href="tel:+84978111222"]').count() === 1, 'both numbers to tap');
	check((await page.textContent('#h-5')).includes('Số 12, ngõ 3'), 'the address from the edit');
	await clean(s, '/unreached');
	check(await fits(), 'visit list without sideways scrolling');
	await shot('unreached');
	await page.fill(`${row} input[name=note]`, `Gặp con dâu, đã dặn lại (${name})`);
	await Promise.all([page.waitForNavigation(), page.click(`${row} button:has-text("Đã báo tận nhà")`)]);
	check(page.url().endsWith(`&marked=${plan.visit}#h-${plan.visit}`), 'back on the household: ' + page.url());
	check(await page.locator(`${row}.done`).count() === 1, 'shown as told in person');
	check((await page.textContent(row)).includes(`Gặp con dâu, đã dặn lại (${name})`), 'the note on the list');
	await clean(s, '/unreached (marked)');
	check(await fits(), 'visit list (marked) without sideways scrolling');
	await shot('visit-marked');
	await page.emulateMedia({ media: 'print' });
	check(!(await page.locator(`${row} form`).isVisible()) && !(await page.locator('nav').isVisible()), 'no buttons on paper');
	await shot('visit-print');
	await page.emulateMedia({ media: 'screen' });
	await page.goto(URL + '/notice?id=1');
	const after = await reached(page);
	check(after === before + 1, `reached households ${before} → ${after}`);
	check((await page.textContent('main')).includes(`trong đó ${name === 'desktop' ? 1 : 2} hộ được báo tận nhà`), 'the visits counted');
	await shot('notice-reached');
	await s.close();
}

(async () => {
	await session('desktop');
	await session('phone');
	console.log('browser: ok');
})().catch(e => { console.error(e.stack || String(e)); process.exit(1); });
JS
browser_run "$WORK/drive.js"

# what the browser did, as the database and the command line see it
"$LOA" household list --csv | sed -e "1s/^\xEF\xBB\xBF//" -e "s/\r$//" >"$WORK/list.csv"
row() { grep "^$1," "$WORK/list.csv" || fail "no household $1 in list --csv: $(cat "$WORK/list.csv")"; }
head -1 "$WORK/list.csv" | grep -q '^id,name,phone,phone2,groups,channel,accents,note,address' || fail "list --csv header: $(head -1 "$WORK/list.csv")"
[ "$(row 5)" = '5,Trần Văn Dũng,0987654321,0978111222,xom-dong-tien,sms,yes,,"Số 12, ngõ 3, cạnh cổng trường"' ] || fail "edited (desktop): $(row 5)"
[ "$(row 6)" = '6,Phạm Thị Dung,0912345604,0868222333,to-5 xom-dong-tien,sms,yes,,Nhà cuối ngõ 7' ] || fail "edited (phone): $(row 6)"
[ "$(sql "SELECT count(*) FROM households WHERE id IN (5, 6) AND opted_out = 1 AND active = 1")" = 2 ] || fail "opted out"
[ "$(sql "SELECT name FROM groups WHERE code = 'to-5'")" = "Tổ 5" ] || fail "new group named as typed"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'household_edited' AND household_id IN (5, 6) AND detail LIKE 'by web:admin: %phone2 '''' → ''0%''; groups %; opted out ''no'' → ''yes''%; address '''' → %'")" = 2 ] \
	|| fail "edit events naming the web user: $(sql "SELECT household_id, detail FROM events WHERE kind LIKE 'household%'")"
contains "$(row 4)" 'bà cụ 80 tuổi, ở với con trai'
contains "$(row 4)" ',voice,'
contains "$(row 7)" ',xom-nam,both,yes,<img src=x onerror=alert(5)>,'
contains "$(grep ',Kiều Văn Mới,' "$WORK/list.csv")" '0905111222,,xom-tay-son,sms,yes,mới chuyển đến'
contains "$(grep ',Hà Thị Mới,' "$WORK/list.csv")" '0905111333,,xom-nam,sms,'
[ "$(sql "SELECT name FROM groups WHERE code = 'xom-nam'")" = "Xóm Nam" ] || fail "the sheet's hamlet named"
[ "$(sql "SELECT count(*) FROM households WHERE active = 1")" = 11 ] || fail "households: $(sql "SELECT count(*) FROM households WHERE active = 1")"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'import' AND detail LIKE 'ho-dan-thon-tan-loi-%.xlsx by web:admin: 1 added, 1 changed, 0 deactivated'")" = 2 ] \
	|| fail "import events naming the web user: $(sql "SELECT kind, detail FROM events WHERE kind = 'import'")"
[ "$(sql "SELECT group_concat(household_id, ' ') FROM events WHERE kind = 'household_edited' AND detail LIKE 'import by web:admin (ho-dan-thon-tan-loi-%.xlsx:6): %'")" = "4 7" ] \
	|| fail "changes by the sheet: $(sql "SELECT household_id, detail FROM events WHERE detail LIKE 'import by%'")"
[ "$(sql "SELECT group_concat(household_id || ':' || state, ' ') FROM deliveries WHERE notice_id = 1 AND channel = 'visit'")" = "2:informed 3:informed" ] \
	|| fail "visits: $(sql "SELECT * FROM deliveries WHERE channel = 'visit'")"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'visited' AND detail LIKE 'by web:admin: told in person; note: Gặp con dâu, đã dặn lại (%)'")" = 2 ] \
	|| fail "visit events: $(sql "SELECT * FROM events WHERE kind LIKE 'visit%'")"
for size in desktop phone; do
	for what in list search group edit-refused edit upload upload-preview upload-done unreached visit-marked visit-print notice-reached; do
		[ -s "$SHOTS/households-$size-$what.png" ] || fail "screenshot households-$size-$what.png missing"
	done
done
stop_web
echo "web_browser_households: ok ($(ls "$SHOTS"/households-*.png | wc -l) screenshots in $SHOTS)"
