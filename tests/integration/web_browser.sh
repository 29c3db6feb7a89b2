# The officers' web page in a real headless Chromium (Debian's `chromium`)
# driven by playwright-core from npm: log in, open a notice, export its
# CSV, create a notice and see it queued, schedule an urgent one for
# tomorrow ("Gửi lúc") and cancel it with its confirm step, mark a
# household told in person on the visit list and see it counted as
# reached (then undo it), pick one hamlet and download its list, read the
# inbox
# of short codes and its CSV, on a desktop and a phone-sized screen; no script runs (a hostile household name stays text) and the
# Content-Security-Policy blocks nothing of ours.  Screenshots go to
# $BUILD/screenshots/.  Skips (77) only when chromium or node/npm, or the
# playwright-core package, cannot be had.
source "$(dirname "$0")/lib.sh"
WEB_NO_CURL=1 source "$(dirname "$0")/web_lib.bash"
source "$(dirname "$0")/browser_lib.bash"
rm -f "$SHOTS"/desktop-* "$SHOTS"/phone-*

cat >>"$LOA_CONFIG" <<CONF
[web]
listen = 127.0.0.1:0
CONF
expect_rc 0 "$LOA" init
{
	printf 'name,phone,groups,channel,accents,note\n'
	printf 'Nguyễn Văn An,0912345678,dong-tien,sms,yes,\n'
	printf '<script>alert(1)</script>,0912000111,dong-tien,both,no,\n'
	printf 'Lê Thị Cúc,0905123456,tay-son,voice,yes,bà cụ 80 tuổi\n'
	printf 'Trần Văn Dũng,0987654321,tay-son chan-nuoi,both,yes,\n'
} >"$WORK/h.csv"
expect_rc 0 "$LOA" household import "$WORK/h.csv"
expect_rc 0 "$LOA" notice send --to all "Họp thôn lúc 19h30 tối nay tại nhà văn hóa. Đề nghị các hộ đến đúng giờ."
# some history so the log, the chart and the visit list have content
sql "UPDATE deliveries SET state = 'delivered', attempts = 1, updated_at = updated_at + 120 WHERE channel = 'sms' AND household_id = 1"
sql "UPDATE deliveries SET state = 'confirmed', attempts = 1, keys = '1', updated_at = updated_at + 300 WHERE channel = 'voice' AND household_id = 3"
sql "UPDATE deliveries SET state = 'unreached', attempts = 3, last_error = 'no answer', updated_at = updated_at + 900 WHERE channel = 'voice' AND household_id = 2"
sql "UPDATE deliveries SET state = 'failed', attempts = 2, last_error = '+CMS ERROR 1: unassigned (unallocated) number', updated_at = updated_at + 200 WHERE channel = 'sms' AND household_id = 2"
sql "INSERT INTO modem_status(name, updated_at, state, registered, signal, operator, last_error) VALUES ('m1', $LOA_FAKE_TIME, 'ready', 1, 18, 'Viettel', '')"
expect_rc 0 "$LOA" user add admin <<<'mat-khau-dai'
# short codes for the inbox page: a head's broadcast awaiting its code, a
# household opting out, an unknown number (stored, not answered)
expect_rc 0 "$LOA" sender add 0987000222 --role head --name "Trưởng thôn Bình"
expect_rc 0 "$LOA" inbox --simulate 0987000222 "TB dong-tien Họp <b>gấp</b> 20h tại nhà văn hóa"
expect_rc 0 "$LOA" inbox --simulate 0912345678 "TUCHOI"
expect_rc 0 "$LOA" inbox --simulate 0900000999 "Khuyến mãi nạp thẻ"

start_web

cat >"$WORK/drive.js" <<'JS'
const { check, open, SIZES } = require(process.env.BROWSER_LIB);
const fs = require('fs'), path = require('path');
const URL = process.env.URL, SHOTS = process.env.SHOTS;

async function session(name) {
	const s = await open(name, SIZES[name]);
	const { page, shot, fits } = s;

	// without a session: the login page
	await page.goto(URL + '/notice?id=1');
	check(new globalThis.URL(page.url()).pathname === '/login', 'redirected to /login, got ' + page.url());
	await shot('login');
	await page.fill('input[name=user]', 'admin');
	await page.fill('input[name=password]', 'mat-khau-dai');
	await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
	check(new globalThis.URL(page.url()).pathname === '/', 'after login at /, got ' + page.url());
	check((await page.textContent('h1')).includes('Thông báo'), 'notices heading');
	await shot('notices');

	// open a notice: its log per household, the hostile name as plain text
	await Promise.all([page.waitForNavigation(), page.click('a[href="/notice?id=1"]')]);
	const body = await page.textContent('body');
	check(body.includes('<script>alert(1)</script>'), 'hostile name shown as text');
	check(body.includes('Không nghe máy') && body.includes('đã xác nhận'), 'states and causes in the log');
	check(body.includes('Số không tồn tại') && body.includes('+CMS ERROR 1: unassigned'), 'cause in words, raw in details');
	check(body.includes('nguồn: dòng lệnh'), 'the source cli in words');
	check(await page.locator('svg polyline').count() >= 1, 'progress chart');
	check(await page.locator('script').count() === 0, 'no script element in the page');
	await shot('notice');

	// CSV export as a download
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/notice.csv?id=1"]')]);
	const csv = path.join(SHOTS, `${name}-notice-1.csv`);
	await dl.saveAs(csv);
	const bytes = fs.readFileSync(csv);
	check(bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF, 'CSV starts with a UTF-8 BOM');
	check(bytes.toString('utf8').includes('Nguyễn Văn An'), 'CSV rows');

	// the visit list: by hamlet, numbers to tap, no sideways scrolling;
	// "Đã báo tận nhà" records a visit that the notice counts as reached;
	// printed: no buttons, a box to tick; a wrong click undone
	await page.goto(URL + '/unreached?id=1');
	check((await page.textContent('body')).includes('Số không tồn tại'), 'visit list cause in words');
	check(await page.locator('#h-2 a[href="tel:+84912000111"]').count() === 1, 'tel: link');
	check(await fits(), 'visit list without sideways scrolling');
	await shot('unreached');
	await page.fill('#h-2 input[name=note]', `Gặp bà cụ (${name})`);
	await Promise.all([page.waitForNavigation(), page.click('#h-2 button:has-text("Đã báo tận nhà")')]);
	check(/\/unreached\?id=1&marked=2#h-2$/.test(page.url()), 'back to the household, got ' + page.url());
	check(await page.locator('#h-2.done').count() === 1, 'household shown as told in person');
	check((await page.textContent('#h-2')).includes(`Gặp bà cụ (${name})`), 'the note on the list');
	check(await fits(), 'visit list (marked) without sideways scrolling');
	await shot('visit-marked');
	await page.emulateMedia({ media: 'print' });
	check(!(await page.locator('#h-2 form').isVisible()) && !(await page.locator('nav').isVisible()), 'no buttons on paper');
	check(await page.locator('th.tick').first().isVisible() || name === 'phone', 'a box to tick on paper');
	await shot('visit-print');
	await page.emulateMedia({ media: 'screen' });
	await page.goto(URL + '/notice?id=1');
	const nb = await page.textContent('body');
	check(nb.includes('Báo tận nhà') && nb.includes('trong đó 1 hộ được báo tận nhà'), 'notice counts the visit');
	await shot('notice-visited');
	await page.goto(URL + '/unreached?id=1&all=1');
	await Promise.all([page.waitForNavigation(), page.click('#h-2 button:has-text("Bỏ đánh dấu")')]);
	check(await page.locator('#h-2.done').count() === 0 && await page.locator('#h-2 button.btn').count() === 1,
	      'undone: on the list again');
	// one hamlet at a time: picked in the form, then the list downloaded
	await page.selectOption('select[name=group]', 'dong-tien');
	await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
	check(/[?&]group=dong-tien/.test(page.url()), 'a hamlet picked, got ' + page.url());
	check(await page.locator('#h-2').count() === 1 && await page.locator('h2').first().textContent() === 'dong-tien',
	      'the household under its hamlet');
	check(await fits(), 'one hamlet without sideways scrolling');
	await shot('visit-group');
	const [vd] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Tải CSV")')]);
	const vcsv = path.join(SHOTS, `${name}-visit-1.csv`);
	await vd.saveAs(vcsv);
	const vtext = fs.readFileSync(vcsv, 'utf8');
	check(vtext.startsWith('\uFEFFNhóm,Họ tên,Số điện thoại,') &&
	      vtext.includes('\r\ndong-tien,<script>alert(1)</script>,0912000111,'), 'visit list CSV: ' + vtext);
	await page.goto(URL + '/modems');
	check((await page.textContent('body')).includes('Viettel'), 'modem row');
	await shot('modems');

	// create a notice: form, preview, confirm; it then shows queued
	await page.goto(URL + '/new');
	const text = `Tiêm phòng cúm gia cầm sáng mai 7h (${name})`;
	await page.fill('textarea[name=text]', text);
	check(!(await page.isChecked('input[value=all]')), 'no recipient ticked by default');
	// "all" with a group is refused before the preview, in words
	await page.check('input[value=all]');
	await page.check('input[value=tay-son]');
	await Promise.all([page.waitForNavigation(), page.click('text=Xem trước')]);
	check((await page.textContent('body')).includes('Đã chọn cả "Tất cả các hộ" và nhóm'), 'all + group refused');
	await page.uncheck('input[value=all]');
	await page.fill('textarea[name=text]', text);
	await shot('new');
	await Promise.all([page.waitForNavigation(), page.click('text=Xem trước')]);
	check((await page.textContent('body')).includes('Số hộ'), 'preview shows households');
	await shot('preview');
	await Promise.all([page.waitForNavigation(), page.click('text=Xác nhận gửi')]);
	check(/\/notice\?id=\d+&created=1$/.test(page.url()), 'created notice page, got ' + page.url());
	const after = await page.textContent('body');
	check(after.includes(text) && after.includes('chờ gửi'), 'new notice queued');
	await shot('created');
	await page.goto(URL + '/');
	check((await page.textContent('body')).includes(text), 'new notice in the list');

	// an urgent notice for tomorrow 07:30 ("Gửi lúc"; the server's clock is
	// LOA_FAKE_TIME, 2026-12-01 09:00 in Asia/Ho_Chi_Minh)
	await page.goto(URL + '/new');
	const text2 = `Cắt điện từ 8h đến 11h ngày mai (${name})`;
	await page.fill('textarea[name=text]', text2);
	await page.check('input[value=all]');
	await page.check('input[name=urgent]');
	await page.check('input[name=when][value=at]');
	await page.fill('input[name=date]', '2026-12-02');
	await page.fill('input[name=time]', '07:30');
	await shot('new-at');
	await Promise.all([page.waitForNavigation(), page.click('text=Xem trước')]);
	let pv = await page.textContent('body');
	check(pv.includes('2026-12-02 07:30') && pv.includes('KHẨN'), 'preview shows the due time and urgency');
	await shot('preview-at');
	await Promise.all([page.waitForNavigation(), page.click('text=Xác nhận gửi')]);
	check(/\/notice\?id=\d+&created=1$/.test(page.url()), 'scheduled notice created, got ' + page.url());
	const noticeUrl = page.url().replace('&created=1', '');
	pv = await page.textContent('h1');
	check(pv.includes('KHẨN'), 'urgent badge on the notice page');
	check((await page.textContent('body')).includes('gửi lúc 2026-12-02 07:30'), 'due time on the notice page');
	await page.goto(URL + '/');
	check(await page.locator('tr.urgent-row', { hasText: text2 }).count() === 1, 'urgent row marked in the list');
	await shot('notices-urgent');

	// cancel it: the button, a confirm page, then cancelled
	await page.goto(noticeUrl);
	await Promise.all([page.waitForNavigation(), page.click('text=Hủy thông báo')]);
	check((await page.textContent('body')).includes('sẽ bị hủy'), 'cancel asks for confirmation');
	await shot('cancel');
	await Promise.all([page.waitForNavigation(), page.click('text=Xác nhận hủy')]);
	check(/cancelled=\d+$/.test(page.url()), 'cancelled, got ' + page.url());
	const cb = await page.textContent('body');
	check(cb.includes('Đã hủy thông báo') && cb.includes('đã hủy'), 'notice shows cancelled');
	check(await page.locator('text=Hủy thông báo…').count() === 0, 'no cancel button once cancelled');
	await shot('cancelled');

	// the inbox: inbound SMS, decisions, replies; read-only; CSV
	await Promise.all([page.waitForNavigation(), page.click('nav a[href="/inbox"]')]);
	const ib = await page.textContent('body');
	check(ib.includes('Trưởng thôn Bình') && ib.includes('Họp <b>gấp</b>'), 'inbox: sender name and text as text');
	check(ib.includes('chờ xác nhận') && ib.includes('XN'), 'inbox: decision and the reply');
	check(ib.includes('(không đăng ký)') && ib.includes('Khuyến mãi'), 'inbox: unknown sender');
	check(await page.locator('main form').count() === 0, 'inbox is read-only');
	await shot('inbox');
	const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/inbox.csv"]')]);
	const icsv = path.join(SHOTS, `${name}-inbox.csv`);
	await dl2.saveAs(icsv);
	const ibytes = fs.readFileSync(icsv);
	check(ibytes[0] === 0xEF && ibytes.toString('utf8').includes('TUCHOI'), 'inbox CSV');

	// logout
	await Promise.all([page.waitForNavigation(), page.click('nav button')]);
	check(new globalThis.URL(page.url()).pathname === '/login', 'logged out');
	await s.close();
}

(async () => {
	await session('desktop');
	await session('phone');
	console.log('browser: ok');
})().catch(e => { console.error(e.stack || String(e)); process.exit(1); });
JS
browser_run "$WORK/drive.js"
[ "$(sql "SELECT count(*) FROM notices WHERE source = 'web:admin'")" = 4 ] || fail "notices created by the browser"
[ "$(sql "SELECT count(*) FROM notices WHERE source = 'web:admin' AND urgent = 1 AND state = 'cancelled' AND due_at = strftime('%s', '2026-12-02 00:30:00')")" = 2 ] \
	|| fail "scheduled urgent notices not stored with their due time and cancelled: $(sql "SELECT id, urgent, state, due_at FROM notices")"
[ "$(sql "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.state = 'cancelled' AND d.state <> 'cancelled'")" = 0 ] \
	|| fail "deliveries of cancelled notices still pending"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'notice_cancelled' AND detail LIKE 'by web:admin:%'")" = 2 ] || fail "cancel event by web:admin"
[ "$(sql "SELECT count(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source = 'web:admin' AND d.state = 'queued'")" -gt 0 ] \
	|| fail "created notices not queued"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'visited' AND detail LIKE 'by web:admin: told in person; note: Gặp bà cụ (%)'")" = 2 ] \
	|| fail "visits by web:admin: $(sql "SELECT * FROM events WHERE kind LIKE 'visit%'")"
[ "$(sql "SELECT count(*) FROM events WHERE kind = 'visit_undone'")" = 2 ] || fail "visits undone"
ls "$SHOTS"/desktop-notice.png "$SHOTS"/phone-notice.png "$SHOTS"/phone-visit-marked.png "$SHOTS"/desktop-visit-print.png \
	>/dev/null || fail "screenshots missing"
stop_web
echo "web_browser: ok ($(ls "$SHOTS"/*.png | wc -l) screenshots in $SHOTS)"
