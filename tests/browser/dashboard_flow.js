// The dashboard as the office's staff use it, in Debian's Chromium driven
// by Playwright, the browser set to English and New York time (the page
// must not care): July 2020 by its address, the trend of a figure chosen
// from the keyboard, its cases (refused to the anonymous viewer, then
// listed for the office's token) and back, a department's bar to its
// cases, a quarter and a year from the Chinese period selector. Each
// step's figures are checked against the gateway's own answers and
// screenshotted into ARTIFACTS.
//
//   ZWFW_URL=http://127.0.0.1:PORT ZWFW_OFFICE_TOKEN=TOKEN (office) \
//       ZWFW_DEPARTMENT_TOKEN=TOKEN (department:qj-gaj) ARTIFACTS=DIR \
//       node dashboard_flow.js
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
    // Where a chart's first bar (of its first series) is on the page, its
    // value, its department and the chart's title.
    const firstBar = (selector) => page.evaluate((s) => {
      const el = document.querySelector(s);
      const chart = echarts.getInstanceByDom(el);
      const option = chart.getOption();
      const value = option.series[0].data[0];
      const [x, y] = chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
      const box = el.getBoundingClientRect();
      return {x: box.left + x, y: box.top + y, value, name: option.yAxis[0].data[0], title: option.title[0].text};
    }, selector);
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
    {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#trend-table-export-csv')]);
      check(download.suggestedFilename() === '重庆市綦江区政务服务管理办公室-2020年7月-受理办件趋势.csv',
          'the trend table exports: ' + download.suggestedFilename());
      await download.saveAs(path.join(artifacts, 'export-trend.csv'));
    }
    check(rows[11][1] === '84,781', "the trend's last month is the headline figure");
    // Every table sorts: the trend by its figures, then by time again.
    await page.click('.trend details summary');
    await page.click('#trend-table thead th:nth-child(2)');
    await page.waitForSelector('#trend-table thead th:nth-child(2)[aria-sort="descending"]');
    const byValue = (await trendRows()).map((r) => Number(r[1].replace(/,/g, '')));
    check(byValue.every((v, i) => i === 0 || byValue[i - 1] >= v) && byValue.includes(84781),
        'the trend table sorts by its figures: ' + byValue.slice(0, 3).join(', ') + ' …');
    await page.click('#trend-table thead th:nth-child(1)');
    check((await trendRows())[11][0] === '2020年7月', 'and by its periods, in time');
    await page.click('.trend details summary');  // folded again: the charts' place stays
    check((await text('#trend-title')).startsWith('受理办件趋势'), 'the trend is of 受理办件');
    await shot('dashboard-1-month.png');

    // The departments at any scale: the charts show 15 at most — the top,
    // the bottom, or those searched for; the table holds all, sortable.
    const chartNames = () => page.evaluate(() =>
      echarts.getInstanceByDom(document.querySelector('#sites-chart')).getOption().yAxis[0].data);
    let names = await chartNames();
    check(names.length === 15 && (await text('#chart-note')).startsWith('共 34 个部门'),
        'the sites chart: the top 15 of 34 departments');
    await page.selectOption('#chart-range', 'bottom');
    const bottom = await chartNames();
    check(bottom.length === 15 && !bottom.includes(names[0]), 'the bottom 15: not the top one');
    await page.fill('#chart-search', '人力');
    names = await chartNames();
    check(names.length === 1 && names[0] === '区人力社保局', 'search: 人力 finds 区人力社保局');
    await page.fill('#chart-search', '');
    await page.selectOption('#chart-range', 'top');
    await page.click('#department-table-details summary');
    // Drawn on the details' toggle event, which follows the click.
    await page.waitForFunction(() => document.querySelectorAll('#department-table tbody tr').length > 0);
    const tableRows = () => page.$$eval('#department-table tbody tr',
        (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    let table = await tableRows();
    const totals = table.map((r) => Number(r[4].replace(/,/g, '')));
    check(table.length === 34 && totals.every((v, i) => i === 0 || totals[i - 1] >= v),
        'the table: all 34 departments, by 合计 descending');
    await page.focus('#department-table thead th:nth-child(5)');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#department-table thead th:nth-child(5)[aria-sort="ascending"]');
    table = await tableRows();
    check(await page.evaluate(() => document.activeElement.textContent.startsWith('合计')),
        'the sorted heading keeps the focus: Enter again sorts it back');
    check(Number(table[0][4].replace(/,/g, '')) === Math.min(...totals) &&
          await page.getAttribute('#department-table thead th:nth-child(5)', 'aria-sort') === 'ascending',
        'Enter on 合计 sorts it ascending');
    await page.click('#department-table thead th:nth-child(1)');
    await page.waitForSelector('#department-table thead th:nth-child(1)[aria-sort="ascending"]');
    table = await tableRows();
    check(table[0][0] <= table[1][0] || table[0][0].localeCompare(table[1][0], 'zh-CN') <= 0, 'sorted by name');

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

    // 3. The 7 overtime cases: refused to the anonymous viewer, who is
    // told why; listed once the office's token is given.
    await page.click('#drill-links .drill-link');
    await page.waitForSelector('body[data-drilled="denied"]');
    check(await page.isVisible('#drill-denied') && await page.isHidden('#overview'),
        'the anonymous viewer is told the records are not theirs to see');
    check(page.url().includes('drill=overtime'), 'the address names the records');
    await shot('dashboard-3-denied.png');
    page.once('dialog', (d) => d.accept(process.env.ZWFW_OFFICE_TOKEN));
    await page.click('#drill-login');
    await page.waitForSelector('body[data-drilled="overtime"]');
    const drillRows = () => page.$$eval('#drill-table tbody tr',
        (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    let cases = await drillRows();
    check(cases.length === 7 && (await text('#drill-count')).startsWith('共 7 件'),
        'the overtime figure 7 opens its 7 cases');
    check(cases.every((r) => r[9] === '是'), 'each listed case is overtime');
    check(cases.every((r) => /^2020年\d+月\d+日 \d\d:\d\d$/.test(r[5])),
        'times in Chinese, China Standard Time: ' + cases[0][5]);
    await shot('dashboard-4-cases.png');
    // Its exports: the file named office-period-table, kept for the
    // Python side to read (CSV and XLSX).
    for (const [button, file] of [['#drill-table-export-csv', 'export-overtime.csv'], ['#drill-table-export-xlsx', 'export-overtime.xlsx']]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      const extension = file.split('.').pop();
      check(download.suggestedFilename() === `重庆市綦江区政务服务管理办公室-2020年7月-超时办件.${extension}`,
          'the export is named office-period-table: ' + download.suggestedFilename());
      await download.saveAs(path.join(artifacts, file));
    }
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('#overview').hidden);
    check(await text('#cases') === '84,781' && page.url().endsWith('?period=2020-07'),
        'back: the overview of 2020年7月 again');

    // The satisfaction card's records: in July 2020 its return visits.
    await page.click('#headline .card[data-trend="satisfaction_rate"]');
    await page.click('#drill-links .drill-link:nth-child(3)');
    await page.waitForSelector('body[data-drilled="visit_satisfaction_rate"]');
    const visitRows = await drillRows();
    check(visitRows.length > 0 && visitRows.every((r) => r[3] === '是') &&
          (await text('#drill-title')).startsWith('回访满意'), `the satisfied return visits: ${visitRows.length} on the page`);
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('#overview').hidden);

    // 4. A department's bar: its center cases, as many as the bar.
    const bar = await firstBar('#sites-chart');
    await page.mouse.click(bar.x, bar.y);
    await page.waitForSelector('body[data-drilled="accepted[site=center]"]');
    check((await text('#drill-title')).includes(bar.name),
        `the bar opens ${bar.name}'s center cases`);
    check((await text('#drill-count')).startsWith(`共 ${grouped(bar.value)} 件`),
        `as many as its bar: ${grouped(bar.value)}`);
    cases = await drillRows();
    check(cases.length === Math.min(bar.value, 50) && cases.every((r) => r[0] === bar.name && r[3] === '中心'),
        'a page of 50, all of the department, all at the center');
    await page.click('#drill-next');
    await page.waitForFunction(() => document.querySelector('#drill-count').textContent.includes('第 51'));
    // Sorted by 受理时间: the whole list, not the page — page 2 goes on
    // where page 1 ended.
    await page.click('#drill-table thead th:nth-child(6)');
    await page.waitForSelector('#drill-table thead th:nth-child(6)[aria-sort="ascending"]');
    await page.waitForFunction(() => document.querySelector('#drill-count').textContent.includes('第 1–'));
    const chinaInstant = (t) => {
      const m = /^(\d+)年(\d+)月(\d+)日 (\d\d):(\d\d)$/.exec(t);
      return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    };
    const firstPage = (await drillRows()).map((r) => chinaInstant(r[5]));
    await page.click('#drill-next');
    await page.waitForFunction(() => document.querySelector('#drill-count').textContent.includes('第 51'));
    const secondPage = (await drillRows()).map((r) => chinaInstant(r[5]));
    const times = [...firstPage, ...secondPage];
    check((await text('#drill-count')).startsWith(`共 ${grouped(bar.value)} 件`) &&
          times.length === Math.min(bar.value, 100) && times.every((t, i) => i === 0 || times[i - 1] <= t),
        'sorted by 受理时间 across its pages, the count unchanged');
    {
      // Its export: every case, in the order chosen (Python reads it back).
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#drill-table-export-csv')]);
      await download.saveAs(path.join(artifacts, 'export-sorted.csv'));
    }
    await shot('dashboard-5-department-cases.png');
    await page.click('#drill-back');
    await page.waitForFunction(() => !document.querySelector('#overview').hidden);

    // The keyboard's way to a bar's records: the departments table's
    // cells. Sorted by 合计, the biggest department's 部门办理 count,
    // from the keyboard.
    await page.click('#department-table thead th:nth-child(5)');
    await page.waitForSelector('#department-table thead th:nth-child(5)[aria-sort="descending"]');
    table = await tableRows();
    await page.focus('#department-table tbody tr:first-child td:nth-child(3) button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-drilled="accepted[site=department]"]');
    check((await text('#drill-title')).includes(table[0][0]) &&
          (await text('#drill-count')).startsWith(`共 ${table[0][2]} 件`),
        `Enter on ${table[0][0]}'s 部门办理 cell opens its ${table[0][2]} cases`);
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('#overview').hidden);

    // The satisfaction chart: July 2020 has no ratings, so it shows the
    // return visits' rate; a bar opens the department's reached visits,
    // as many as the survey counted.
    const visitBar = await firstBar('#satisfaction-chart');
    check(visitBar.title.startsWith('各部门回访满意率'), 'the satisfaction chart: ' + visitBar.title);
    const reached = await page.evaluate(async (name) => {
      const r = await fetch('/v1/periods/2020-07/satisfaction');
      const d = (await r.json()).departments.find((x) => x.department_name === name);
      return Number(d.return_visits.reached || 0);
    }, visitBar.name);
    await page.mouse.click(visitBar.x, visitBar.y);
    await page.waitForSelector('body[data-drilled="visit_satisfaction_rate"]');
    check((await text('#drill-title')).includes(visitBar.name) &&
          (await text('#drill-count')).startsWith(`共 ${grouped(reached)} 件`),
        `${visitBar.name}'s bar opens its ${reached} reached return visits`);
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('#overview').hidden);

    // 5. A department's page: its figures as the gateway counts them, its
    // rank, its score lines, its windows and staff.
    await page.selectOption('#department-choice', 'qj-rlsbj');
    await page.waitForSelector('body[data-department="qj-rlsbj"]');
    const mine = await page.evaluate(async () => {
      const r = await fetch('/v1/periods/2020-07/indicators?indicators=accepted&indicators=overtime',
          {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('zwfw-token')}});
      const row = (await r.json()).departments.find((d) => d.code === 'qj-rlsbj');
      return row.figures.map((f) => Number(f.numerator || 0));
    });
    const figures = await page.$$eval('#department-figures tbody tr',
        (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    check((await text('#department-title')).startsWith('区人力社保局（2020年7月）'), 'the page of 区人力社保局');
    check(figures[0][1] === grouped(mine[0]) && /^第\d+位 \/ \d+$/.test(figures[0][2]),
        `its cases ${grouped(mine[0])} and their rank ${figures[0][2]}`);
    check(figures.find((r) => r[0] === '超时办件')[1] === String(mine[1]) && mine[1] === 5 &&
          figures.find((r) => r[0] === '超时办件')[2] === '第34位 / 34',
        'its 5 overtime cases, the most of July 2020 (7): fewer is better, so the last place, 第34位 / 34');
    check(figures[0][2] === '第3位 / 34', 'its cases: the third most, 第3位 / 34');
    const lines = await page.$$eval('#department-lines tbody tr', (rows) => rows.map((r) => r.textContent));
    check(lines.some((l) => l.includes('办件超时') && l.endsWith('-1.25')) && (await text('#department-score')).startsWith('得分'),
        'its score and the lines it is made of: ' + lines.join(' | '));
    const rated = await page.evaluate(async () => {
      const survey = await (await fetch('/v1/periods/2020-07/satisfaction')).json();
      const windows = (survey.windows || []).filter((w) => w.department_code === 'qj-rlsbj');
      const codes = new Set(windows.map((w) => w.window_code));
      return windows.length + (survey.staff || []).filter((s) => codes.has(s.window_code)).length;
    });
    check((await page.$$('#department-windows tbody tr')).length === rated &&
          await page.isVisible('#department-no-windows') === (rated === 0),
        `its windows and staff with their ratings: ${rated} rows` + (rated ? '' : ', and the page says there are none'));
    const trend = await page.$$eval('#department-trend tbody tr', (rows) => rows.map((r) => r.cells[1].textContent));
    check(trend.length === 12 && trend[11] === grouped(mine[0]), "its trend ends at this month's figure");
    // Its tables sort and export, named after it.
    await page.click('#department-figures thead th:nth-child(3)');
    await page.waitForSelector('#department-figures thead th:nth-child(3)[aria-sort="ascending"]');
    const places = await page.$$eval('#department-figures tbody tr', (rows) => rows.map((r) => r.cells[2].textContent));
    const place = (t) => (/^第(\d+)位/.exec(t) || [0, Infinity])[1] * 1;
    check(places.every((t, i) => i === 0 || place(places[i - 1]) <= place(t)), 'its figures sorted by rank: ' + places.join(', '));
    {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#department-figures-export-csv')]);
      check(download.suggestedFilename() === '重庆市綦江区政务服务管理办公室-2020年7月-区人力社保局主要指标.csv',
          'its figures export: ' + download.suggestedFilename());
      await download.saveAs(path.join(artifacts, 'export-department.csv'));
    }
    await shot('dashboard-5-department.png');
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('#overview').hidden);

    // 5. The third quarter: exact, the sum of its months.
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
    await shot('dashboard-6-quarter.png');

    // 6. The year.
    await page.selectOption('#kind', 'year');
    await page.waitForSelector('body[data-loaded="2020"]', {timeout: 60000});
    check(await page.isHidden('#part-label'), 'a year has no part to choose');
    check(await text('#cases') === grouped(await accepted('2020')), '2020: the year\'s figure');
    rows = await trendRows();
    check(rows.length === 5 && rows[4][0] === '2020年', 'the trend: 5 years');
    await shot('dashboard-7-year.png');

    // 7. Live: a case pushed for July 2020 shows without a reload.
    await page.goto(url + '/?period=2020-07&refresh=1');
    await page.waitForSelector('body[data-loaded="2020-07"]', {timeout: 60000});
    check(await text('#cases') === '84,781', 'July 2020 again: 84,781');
    await page.evaluate(() => { window.sameDocument = true; });
    const pushed = await page.evaluate(async (t) => {
      const r = await fetch('/v1/cases', {
        method: 'POST',
        headers: {'Authorization': 'Bearer ' + t, 'Content-Type': 'application/json'},
        body: JSON.stringify({case: {department_code: 'qj-gaj', case_no: 'live-1',
          category: 'ITEM_CATEGORY_APPROVAL', site: 'HANDLING_SITE_CENTER',
          status: 'CASE_STATUS_ACCEPTED', accepted_at: '2020-07-20T02:00:00Z'}}),
      });
      return [r.status, await r.text()];
    }, process.env.ZWFW_DEPARTMENT_TOKEN);
    check(pushed[0] === 200 && pushed[1].includes('ACCEPTED'), 'a new July case pushed: ' + pushed.join(' '));
    await page.waitForFunction(() => document.querySelector('#updated').textContent.startsWith('数据已更新'),
        null, {timeout: 30000});
    check(await text('#cases') === '84,782' && await page.evaluate(() => window.sameDocument === true),
        'the figure changed to 84,782 without a reload, and the page says so');
    const last = (await trendRows())[11];
    check(last[1] === '84,782', "the trend's last month follows");
    await shot('dashboard-8-live.png');
    // A department's page follows too: another case of 区公安局 raises
    // its 受理办件 by one, in the same document.
    await page.selectOption('#department-choice', 'qj-gaj');
    await page.waitForSelector('body[data-department="qj-gaj"]');
    const acceptedCell = () => page.$eval('#department-figures tbody',
        (body) => [...body.rows].find((r) => r.cells[0].textContent === '受理办件').cells[1].textContent);
    const before = Number((await acceptedCell()).replace(/,/g, ''));
    const again = await page.evaluate(async (t) => {
      const r = await fetch('/v1/cases', {
        method: 'POST',
        headers: {'Authorization': 'Bearer ' + t, 'Content-Type': 'application/json'},
        body: JSON.stringify({case: {department_code: 'qj-gaj', case_no: 'live-2',
          category: 'ITEM_CATEGORY_APPROVAL', site: 'HANDLING_SITE_CENTER',
          status: 'CASE_STATUS_ACCEPTED', accepted_at: '2020-07-21T02:00:00Z'}}),
      });
      return r.status;
    }, process.env.ZWFW_DEPARTMENT_TOKEN);
    check(again === 200, 'another July case of 区公安局 pushed');
    await page.waitForFunction((want) => {
      const row = [...document.querySelectorAll('#department-figures tbody tr')]
          .find((r) => r.cells[0].textContent === '受理办件');
      return row && Number(row.cells[1].textContent.replace(/,/g, '')) === want;
    }, before + 1, {timeout: 30000});
    check(await page.evaluate(() => window.sameDocument === true),
        `区公安局's page: 受理办件 ${before} became ${before + 1} without a reload`);

    check(errors.length === 0, 'no script error or refused resource: ' + [...new Set(errors)].slice(0, 3).join(' | '));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
