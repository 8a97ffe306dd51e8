// The dashboard as the office's staff use it, in Debian's Chromium driven
// by Playwright, the browser set to English and New York time (the page
// must not care): July 2020 by its address, the trend of a figure chosen
// from the keyboard, a quarter and a year from the Chinese period
// selector. Each step's figures are checked against the gateway's own
// answers and screenshotted into ARTIFACTS.
//
//   ZWFW_URL=http://127.0.0.1:PORT ARTIFACTS=DIR node dashboard_flow.js
//
// Exits 0 when every check holds; otherwise prints the first failure and
// exits 1.
'use strict';
const path = require('path');
const {chromium} = require('playwright-core');

const url = process.env.ZWFW_URL;
const artifacts = process.env.ARTIFACTS;

function check(ok, what) {
  if (!ok) throw new Error('check failed: ' + what);
  console.log('ok: ' + what);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const errors = [];
  try {
    const context = await browser.newContext({
      locale: 'en-US', timezoneId: 'America/New_York',
      viewport: {width: 1400, height: 1100},
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    // Script errors and refused resources (the Content-Security-Policy);
    // an answer's status is the page's to show (the unpublished month's
    // scorecard is 409 to the anonymous viewer, which it says).
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    const shot = (name) => page.screenshot({path: path.join(artifacts, name)});
    const text = async (selector) => (await page.textContent(selector)).trim();
    const options = (selector) => page.$$eval(selector + ' option', (os) => os.map((o) => o.textContent));
    const selected = (selector) => page.$eval(selector, (s) => s.selectedOptions[0].textContent);
    const trendRows = () => page.$$eval('#trend-table tbody tr',
        (rows) => rows.map((r) => [r.cells[0].textContent, r.cells[1].textContent]));
    // The gateway's own figure, as the page is expected to show it.
    const accepted = async (period) => {
      const body = await page.evaluate(async (p) => {
        const r = await fetch(`/v1/periods/${p}/indicators?indicators=accepted`);
        return r.json();
      }, period);
      return Number(((body.total || {}).figures || [{}])[0].numerator || 0);
    };
    // 84,781: thousands grouped, as the page writes zh-CN numbers.
    const grouped = (v) => v.toLocaleString('en-US');

    // 1. July 2020 by its address.
    await page.goto(url + '/?period=2020-07');
    await page.waitForSelector('body[data-loaded="2020-07"]', {timeout: 60000});
    check(await text('#cases') === '84,781', 'July 2020: 84,781 cases accepted');
    check(await text('#sameday') === '95.4%', 'July 2020: same-day rate 95.4%');
    check(JSON.stringify(await options('#kind')) === JSON.stringify(['月', '季度', '半年', '年']),
        'the period kinds in Chinese');
    check(await selected('#year') === '2020年' && await selected('#part') === '7月',
        'the selector shows 2020年 7月');
    let rows = await trendRows();
    check(rows.length === 12 && rows[0][0] === '2019年8月' && rows[11][0] === '2020年7月',
        'the trend: the 12 months to 2020年7月');
    check(rows[11][1] === '84,781', "the trend's last month is the headline figure");
    check((await text('#trend-title')).startsWith('受理办件趋势'), 'the trend is of 受理办件');
    await shot('dashboard-1-month.png');

    // 2. Another figure's trend, chosen from the keyboard: from the
    // periods already read, no request.
    let reads = 0;
    const count = (r) => {
      if (r.url().includes('/indicators?')) ++reads;
    };
    page.on('request', count);
    await page.focus('#headline .card[data-trend="overtime"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#trend-title').textContent.startsWith('超时办件'));
    page.off('request', count);
    check(reads === 0, 'choosing a trend reads nothing again');
    rows = await trendRows();
    check(rows[11][1] === await text('#overtime'), 'the overtime trend ends at the headline overtime');
    check(await page.getAttribute('#headline .card[data-trend="overtime"]', 'aria-pressed') === 'true',
        'the chosen figure is marked pressed');
    await shot('dashboard-2-trend.png');

    // 3. The third quarter: exact, the sum of its months.
    await page.selectOption('#kind', 'quarter');
    await page.waitForSelector('body[data-loaded="2020-Q1"]', {timeout: 60000});
    check(JSON.stringify(await options('#part')) ===
          JSON.stringify(['第一季度', '第二季度', '第三季度', '第四季度']), 'the quarters in Chinese');
    await page.selectOption('#part', '3');
    await page.waitForSelector('body[data-loaded="2020-Q3"]', {timeout: 60000});
    const months = (await accepted('2020-07')) + (await accepted('2020-08')) + (await accepted('2020-09'));
    check(await text('#cases') === grouped(months), `2020-Q3: ${grouped(months)} cases, its months summed`);
    check(page.url().endsWith('?period=2020-Q3'), 'the address names 2020-Q3');
    check((await text('#tiers')).includes('绩效考核按月进行'), 'a quarter has no scorecard, and says so');
    rows = await trendRows();
    check(rows.length === 8 && rows[7][0] === '2020年第三季度', 'the trend: 8 quarters');
    await shot('dashboard-3-quarter.png');

    // 4. The year.
    await page.selectOption('#kind', 'year');
    await page.waitForSelector('body[data-loaded="2020"]', {timeout: 60000});
    check(await page.isHidden('#part-label'), 'a year has no part to choose');
    check(await text('#cases') === grouped(await accepted('2020')), '2020: the year\'s figure');
    rows = await trendRows();
    check(rows.length === 5 && rows[4][0] === '2020年', 'the trend: 5 years');
    await shot('dashboard-4-year.png');

    check(errors.length === 0, 'no script error or refused resource: ' + errors.join(' | '));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
