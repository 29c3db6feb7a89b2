// Loaded by the browser tests' node scripts (browser_lib.bash sets
// BROWSER_LIB): a headless Chromium session at a given screen size that
// collects every problem a page shows — a dialog (a script ran), a
// Content-Security-Policy refusal on the console, an uncaught page error —
// and takes full-page screenshots named PREFIX-WHAT.png in $SHOTS.
const { chromium } = require(process.env.PW + '/node_modules/playwright-core');
const fs = require('fs'), os = require('os'), path = require('path');

function check(ok, what) { if (!ok) throw new Error('check failed: ' + what); }

const SIZES = {
	desktop: { viewport: { width: 1280, height: 900 } },
	phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

// open(prefix, opts): { ctx, page, problems, shot(what), fits(), badAttrs(), close() }
async function open(prefix, opts) {
	// the profile inside the test's work folder: removed with it even when a check fails
	const dir = fs.mkdtempSync(path.join(process.env.WORK || os.tmpdir(), 'chromium-'));
	const ctx = await chromium.launchPersistentContext(dir, Object.assign({
		executablePath: process.env.CHROMIUM, headless: true, acceptDownloads: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	}, opts));
	const page = ctx.pages()[0] || await ctx.newPage();
	const problems = [];
	page.on('dialog', d => { problems.push('a dialog opened: ' + d.message()); d.dismiss(); });
	page.on('console', m => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push('console: ' + m.text()); });
	page.on('pageerror', e => problems.push('page error: ' + e.message));
	return {
		ctx, page, problems,
		shot: (what) => page.screenshot({ path: path.join(process.env.SHOTS, `${prefix}-${what}.png`), fullPage: true }),
		// no sideways scrolling
		fits: () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
		// every attribute well-formed: markup of ours never escaped as data
		// (which makes attributes such as `chú"` out of data-l="Ghi chú")
		badAttrs: () => page.evaluate(() => [...document.querySelectorAll('*')].flatMap(e =>
			[...e.attributes].filter(a => !/^[a-z][a-z0-9-]*$/.test(a.name) || (a.name !== 'value' && a.value.startsWith('"')))
				.map(a => `<${e.localName} ${a.name}=${a.value}>`))),
		close: async () => {
			await ctx.close();
			fs.rmSync(dir, { recursive: true, force: true });
			check(problems.length === 0, problems.join('; '));
		},
	};
}

// login(page, url, user, password): opens url, which leads to the login
// page without a session, and logs in
async function login(page, url, user, password) {
	await page.goto(url);
	check(new globalThis.URL(page.url()).pathname === '/login', 'redirected to /login, got ' + page.url());
	await page.fill('input[name=user]', user);
	await page.fill('input[name=password]', password);
	await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
	check(new globalThis.URL(page.url()).pathname !== '/login', 'logged in, still at ' + page.url());
}

module.exports = { check, open, login, SIZES };
