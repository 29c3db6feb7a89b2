// Extracts the number -> words cases of four public Vietnamese
// number-reading suites as data (see README.md beside this file).
// Run by hand: node extract.mjs SRC OUT, where SRC holds one folder per
// repository (owner+name) at the commit named in README.md.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const [, , SRC, OUT] = process.argv;
const rows = {};
function add(suite, kind, number, expected, source, reason = '') {
	(rows[suite] ??= []).push([kind, number, expected, source, reason]);
}
const clean = (s) => s.replace(/\s+/g, ' ').trim();

/* ---- number-to-text-vietnamese: run the jest files against a recorder -- */
{
	const suite = 'number-to-text-vietnamese';
	const dir = path.join(SRC, 'namnh240795+number-to-text-vietnamese', '__tests__');
	for (const f of fs.readdirSync(dir).sort()) {
		const file = `__tests__/${f}`;
		let code = fs.readFileSync(path.join(dir, f), 'utf8');
		code = code.replace(/^import .*$/m, '');
		const where = () => {
			const m = new Error().stack.split('\n').find((l) => l.includes(file));
			return m ? `${file}:${m.match(/:(\d+):\d+\)?$/)[1]}` : file;
		};
		const tokens = [];
		const getText = (n, sep) => {
			const t = { n, sep, src: where(), checked: false };
			tokens.push(t);
			return t;
		};
		const matcher = (x) => ({
			toBe(e) {
				if (x && typeof x === 'object' && 'n' in x) {
					x.checked = true;
					if (typeof x.n !== 'number' || !Number.isInteger(x.n))
						return;
					let exp = e;
					let note = '';
					if (x.sep) {
						exp = clean(e.split(x.sep).join(' '));
						note = `separator '${x.sep}' removed`;
					}
					add(suite, 'number', String(x.n === 0 ? 0 : x.n), exp, x.src, note);
				}
			},
			toThrow() {},
			toContain() {},
			toMatch() {},
			toBeDefined() {},
			toBeGreaterThan() {},
			not: { toMatch() {} },
		});
		const ctx = {
			getText,
			describe: (n, fn) => fn(),
			test: (n, fn) => fn(),
			expect: matcher,
			Number,
			NaN,
			Infinity,
		};
		vm.runInNewContext(code, ctx, { filename: file });
		for (const t of tokens)
			if (!t.checked && typeof t.n === 'number' && Number.isFinite(t.n) && Number.isInteger(t.n))
				add(suite, 'shape', String(t.n), '-', t.src,
				    'the suite checks only the shape (no expected words)');
	}
}

/* ---- read-vietnamese-number: literal calls in test/reader.test.ts ------ */
{
	const suite = 'read-vietnamese-number';
	const file = 'test/reader.test.ts';
	const text = fs.readFileSync(path.join(SRC, 'tonghoangvu+read-vietnamese-number-js', file), 'utf8');
	const lineOf = (i) => `${file}:${text.slice(0, i).split('\n').length}`;
	const words = (arr) => clean(arr.replace(/'/g, '').split(',').join(' '));
	// readLastTwoDigits(config, t, u): the number 10t+u read alone
	let skipTenTone = text.indexOf('config.skipTenTone = true');
	for (const m of text.matchAll(/readLastTwoDigits\(config, (\d), (\d)\)\)\.toEqual\(\[([^\]]*)\]\)/g)) {
		const v = Number(m[1]) * 10 + Number(m[2]);
		if (m.index > skipTenTone)
			add(suite, 'skip', String(v), words(m[3]), lineOf(m.index),
			    "skipTenTone option ('chín ba' for 93): a colloquial short form Loa does not offer");
		else
			add(suite, 'number', String(v), words(m[3]), lineOf(m.index));
	}
	// readThreeDigits(config, h, t, u, zeroHundred): alone (false) or as an inner group (true)
	for (const m of text.matchAll(/readThreeDigits\(config, (\d), (\d), (\d), (true|false)\)\)\.toEqual\(\[([^\]]*)\]\)/g)) {
		const d = m[1] + m[2] + m[3];
		if (m[4] === 'false')
			add(suite, 'number', String(Number(d)), words(m[5]), lineOf(m.index));
		else if (d === '000')
			add(suite, 'skip', d, words(m[5]), lineOf(m.index),
			    'an all-zero inner group read on its own: no number says it');
		else
			add(suite, 'inner', d, words(m[5]), lineOf(m.index));
	}
	// readIntegralPart(config, [[a, b, c], ...])
	for (const m of text.matchAll(/readIntegralPart\(config, (\[[\s\S]*?\])\s*\)\s*\)\.toEqual\(\[([^\]]*)\]\)/g)) {
		const periods = JSON.parse(m[1].replace(/\s/g, '').replace(/,\]/g, ']'));
		if (!periods.length)
			continue; // "Should return empty": no number
		add(suite, 'number', periods.flat().join(''), words(m[2]), lineOf(m.index));
	}
	// readFractionalPart(config, [digits])
	for (const m of text.matchAll(/readFractionalPart\(config, \[([^\]]+)\]\)\)\.toEqual\(\[([^\]]*)\]\)/g))
		add(suite, 'skip', '0.' + m[1].replace(/[\s,]/g, ''), words(m[2]), lineOf(m.index),
		    "the digits after the decimal point read alone ('chấm' style): Loa's front end reads decimals after 'phẩy', not the cardinal reader");
	// doReadNumber('text', config): the whole reader
	for (const m of text.matchAll(/doReadNumber\('([^']*)'(, config)?\)\)\.toBe\(\s*'([^']*)'\s*\)/g)) {
		let n = m[1].replace(/,/g, '');
		if (!m[2]) {
			add(suite, 'skip', n, m[3], lineOf(m.index),
			    "default unit 'đơn vị' appended to the number");
			continue;
		}
		if (n === '') {
			add(suite, 'skip', "''", m[3], lineOf(m.index), 'empty input, not a number');
			continue;
		}
		add(suite, 'number', n, m[3], lineOf(m.index));
	}
}

/* ---- read-vn-number: literal calls in tests/*.test.ts ----------------- */
{
	const suite = 'read-vn-number';
	const dir = path.join(SRC, 'hckhanh+read-vn-number', 'tests');
	for (const f of fs.readdirSync(dir).sort()) {
		const file = `tests/${f}`;
		const text = fs.readFileSync(path.join(dir, f), 'utf8');
		const lineOf = (i) => `${file}:${text.slice(0, i).split('\n').length}`;
		for (const m of text.matchAll(/const number: (?:number|string) = '?(\d+)'?\s*expect\(NumberReader\.read\(number\)\)\.to\.equal\(\s*'([^']*)'/g))
			add(suite, 'number', m[1], m[2], lineOf(m.index));
		for (const m of text.matchAll(/readNumber\('?(\d+)'?\)\)\.to\.equal\('([^']*)'\)/g))
			add(suite, 'number', m[1], m[2], lineOf(m.index));
		// one group: new Numbers|Thousand|Million|Billion('ddd').read(first?, beforeBillion?)
		const cls = { Numbers: 0, Thousand: 3, Million: 6, Billion: 9 };
		const re = /(?:const s: string = '(\d+)'\s*const number = new Numbers\(s\)\s*expect\(number|const (\w+) = new (Thousand|Million|Billion)\('(\d+)'\)\s*expect\(\2)\.read\(([^)]*)\)\)\.to\.equal\('([^']*)'\)/g;
		for (const m of text.matchAll(re)) {
			const digits = m[1] ?? m[4];
			const zeros = '0'.repeat(cls[m[3] ?? 'Numbers']);
			const args = m[5].split(',').map((s) => s.trim());
			const first = args[0] === 'true', beforeBillion = args[1] === 'true';
			const exp = m[6];
			const src = lineOf(m.index);
			if (exp === '' || exp === 'tỷ')
				add(suite, 'skip', digits + zeros, exp === '' ? "''" : exp, src,
				    'an all-zero group read on its own (empty or a bare scale word): no number says it');
			else if (first && beforeBillion)
				add(suite, 'skip', digits + zeros, exp, src,
				    'a leading group read with the "nghìn" of "nghìn tỷ": part of a number, not a number');
			else if (first || digits.length < 3)
				add(suite, 'number', String(Number(digits + zeros)), exp, src);
			else
				add(suite, 'inner', digits + zeros, exp, src);
		}
	}
}

/* ---- vn-num2words: no test suite; the examples of its README ---------- */
{
	const suite = 'vn-num2words';
	const file = 'README.md';
	const text = fs.readFileSync(path.join(SRC, 'linhpn96+VNnum2words', file), 'utf8');
	const lines = text.split('\n');
	lines.forEach((l, i) => {
		const m = l.match(/^(\d+) (\D+)$/);
		if (m)
			add(suite, 'number', m[1], clean(m[2]), `${file}:${i + 1}`);
	});
}

/* ---- write, one file per suite, identical cases once ------------------ */
const heads = {
	'read-vietnamese-number': 'read-vietnamese-number 2.3.1 (tonghoangvu/read-vietnamese-number-js 9c5f1eb), MIT, Copyright (c) 2025 Vu Tong',
	'read-vn-number': 'read-vn-number 3.2.1 (hckhanh/read-vn-number bab5588), MIT, Copyright (c) 2018 Khanh Hoang',
	'number-to-text-vietnamese': 'number-to-text-vietnamese 2.0.2 (namnh240795/number-to-text-vietnamese 23df322), MIT (package.json, README)',
	'vn-num2words': 'vn-num2words 1.0.4 (linhpn96/VNnum2words 1984c1e), ISC, by linhpn',
};
fs.mkdirSync(OUT, { recursive: true });
for (const [suite, list] of Object.entries(rows)) {
	const seen = new Set();
	const out = [
		`# ${heads[suite]}`,
		'# Test cases copied as data; see README.md.  Columns:',
		'# kind<TAB>number<TAB>expected words<TAB>where in the suite<TAB>note or reason to skip',
	];
	let dup = 0;
	const said = new Set(list.filter((r) => r[0] === 'number').map((r) => r[1]));
	for (const r of list) {
		if (r[0] === 'shape' && said.has(r[1])) {
			dup++; // checked with its words elsewhere in the suite
			continue;
		}
		const key = r[0] + '\t' + r[1] + '\t' + r[2];
		if (seen.has(key)) {
			dup++;
			continue;
		}
		seen.add(key);
		out.push(r.join('\t').replace(/\t+$/, ''));
	}
	fs.writeFileSync(path.join(OUT, `${suite}.tsv`), out.join('\n') + '\n');
	console.log(`${suite}: ${seen.size} cases (${dup} repeats dropped)`);
}
