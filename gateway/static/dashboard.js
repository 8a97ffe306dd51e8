// The office's dashboard: reads the gateway's JSON for one month and draws
// it. The token (if the gateway needs one) is kept in session storage.
// Nothing from the address bar or the data is ever parsed as HTML: elements
// are built and filled with textContent (the gateway's
// Content-Security-Policy allows only this script besides ECharts).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);

  // Periods as the services name them ("2020-07", "2020-Q3", "2020-H1",
  // "2020") and as the page shows them, in Chinese whatever the browser's
  // language; the day is China Standard Time's.
  const QUARTERS = ['一', '二', '三', '四'];
  const KINDS = {
    month: {parts: 12, label: '月份', name: (i) => `${i}月`, code: (i) => String(i).padStart(2, '0'), trend: 12},
    quarter: {parts: 4, label: '季度', name: (i) => `第${QUARTERS[i - 1]}季度`, code: (i) => 'Q' + i, trend: 8},
    half: {parts: 2, label: '半年', name: (i) => (i === 1 ? '上半年' : '下半年'), code: (i) => 'H' + i, trend: 6},
    year: {parts: 0, label: '', name: () => '', code: () => '', trend: 5},
  };
  const FIRST_YEAR = 2011;  // the earliest calendar the office keeps
  const chinaToday = () => new Date(Date.now() + 8 * 3600 * 1000);
  // {kind, year, part} of "2020-07" and the like; null for anything else
  // (?period= is checked, never used as it stands).
  function parsePeriod(text) {
    const m = /^(20\d\d)(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|H([12])))?$/.exec(text || '');
    if (!m) return null;
    const year = Number(m[1]);
    if (m[2]) return {kind: 'month', year, part: Number(m[2])};
    if (m[3]) return {kind: 'quarter', year, part: Number(m[3])};
    if (m[4]) return {kind: 'half', year, part: Number(m[4])};
    return {kind: 'year', year, part: 0};
  }
  const periodCode = (p) => (p.kind === 'year' ? String(p.year) : `${p.year}-${KINDS[p.kind].code(p.part)}`);
  const periodName = (p) => `${p.year}年${KINDS[p.kind].name(p.part)}`;
  // The `count` periods of p's kind ending with p, oldest first.
  function periodsEndingWith(p, count) {
    const out = [];
    let {year, part} = p;
    for (let i = 0; i < count; ++i) {
      out.unshift({kind: p.kind, year, part});
      if (p.kind === 'year') {
        --year;
      } else if (--part === 0) {
        --year;
        part = KINDS[p.kind].parts;
      }
    }
    return out.filter((q) => q.year >= FIRST_YEAR);
  }
  function lastMonth() {
    const d = chinaToday();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - 1);
    return {kind: 'month', year: d.getUTCFullYear(), part: d.getUTCMonth() + 1};
  }

  const option = (value, text) => {
    const o = document.createElement('option');
    o.value = String(value);
    o.textContent = text;
    return o;
  };
  // The selects show `p`: its kind, its year, its part (a month, a quarter,
  // a half; none for a year).
  function showPeriod(p) {
    $('kind').value = p.kind;
    const years = [];
    for (let y = chinaToday().getUTCFullYear(); y >= FIRST_YEAR; --y) years.push(option(y, `${y}年`));
    $('year').replaceChildren(...years);
    $('year').value = String(p.year);
    const kind = KINDS[p.kind];
    const parts = [];
    for (let i = 1; i <= kind.parts; ++i) parts.push(option(i, kind.name(i)));
    $('part').replaceChildren(...parts);
    $('part').value = String(p.part);
    $('part-label').hidden = kind.parts === 0;
    $('part-name').textContent = kind.label;
  }
  function chosenPeriod() {
    const kind = $('kind').value;
    const parts = KINDS[kind].parts;
    const part = Math.min(Math.max(Number($('part').value) || 1, 1), parts || 1);
    return {kind, year: Number($('year').value), part: parts ? part : 0};
  }

  let period = parsePeriod(params.get('period')) || lastMonth();
  showPeriod(period);

  function token() {
    return sessionStorage.getItem('zwfw-token') || '';
  }

  // GET a JSON answer. A 401 asks for a token unless `ask` is false (the
  // records, which an anonymous viewer may not read: the page says so);
  // a failure throws an Error carrying the HTTP status.
  async function get(path, ask = true) {
    const headers = token() ? {Authorization: 'Bearer ' + token()} : {};
    const r = await fetch(path, {headers});
    if (r.status === 401 && ask) {
      // A viewer or office token: the page only reads, and never needs
      // the admin token (it would sit in this tab's storage).
      if (askToken('请输入查看令牌（viewer 或 office）；请勿在此输入管理员令牌')) return get(path);
    }
    if (!r.ok) {
      const body = await r.json().catch(() => ({message: r.statusText}));
      const e = new Error(body.message || r.statusText);
      e.status = r.status;
      throw e;
    }
    if (r.headers.get('ETag')) etags.set(path, r.headers.get('ETag'));
    return r.json();
  }
  // The ETag of each answer read (live updates ask whether it changed).
  const etags = new Map();
  function askToken(question) {
    const t = prompt(question);
    if (!t) return false;
    sessionStorage.setItem('zwfw-token', t.trim());
    return true;
  }

  const n = (v) => Number(v || 0);
  const pct = (a, b) => (n(b) === 0 ? '无数据' : (100 * n(a) / n(b)).toFixed(1) + '%');
  // The headline figures: indicators of the library (README "Indicators"),
  // the same the bulletin templates and scores use.
  const HEADLINE = [
    'accepted', 'accepted_share[online=yes]', 'same_day_rate[site=center]',
    'satisfaction_rate', 'visit_satisfaction_rate', 'overtime',
    'rectifications_open', 'rectifications_overdue',
  ];
  const RATES = new Set(['accepted_share[online=yes]', 'same_day_rate[site=center]',
    'satisfaction_rate', 'visit_satisfaction_rate']);
  const indicatorsQuery = HEADLINE.map((i) => 'indicators=' + encodeURIComponent(i)).join('&');
  const indicatorsPath = (code, compare) =>
    `/v1/periods/${code}/indicators?${indicatorsQuery}${compare ? '&compare=true' : ''}`;
  const indicatorsOf = (code, compare) => get(indicatorsPath(code, compare));
  let trendIndicator = 'accepted';
  // The headline indicators of each period read since the last load, by
  // period code: choosing another figure's trend reads nothing again.
  const answers = new Map();
  const answerOf = (code) => answers.get(code) || indicatorsOf(code, false).then((a) => {
    answers.set(code, a);
    return a;
  });

  async function load() {
    const p = period;
    const code = periodCode(p);
    history.replaceState(null, '', '?period=' + encodeURIComponent(code));
    shown = code;
    $('status').textContent = '加载中…';
    answers.clear();
    try {
      const monthly = p.kind === 'month';
      const [cases, survey, card, indicators] = await Promise.all([
        get(`/v1/periods/${code}/case-stats`),
        get(`/v1/periods/${code}/satisfaction`),
        monthly ? get(`/v1/periods/${code}/scorecard`).catch((e) => ({error: e.message}))
            : Promise.resolve({error: '绩效考核按月进行，请选择月份查看'}),
        indicatorsOf(code, true),
      ]);
      answers.set(code, indicators);  // its figures serve the trend too
      const total = indicators.total || {};
      const figures = total.figures || [];
      const figure = (name) => figures[HEADLINE.indexOf(name)] || {};
      // As every table writes a figure (figureCell): 84,781; 95.4%.
      const text = (name) => zwfwTable.text(figureCell(name, figure(name)));
      $('cases').textContent = text('accepted');
      $('online').textContent = text('accepted_share[online=yes]');
      $('sameday').textContent = text('same_day_rate[site=center]');
      $('satisfaction').textContent = n(figure('satisfaction_rate').denominator)
          ? text('satisfaction_rate') : text('visit_satisfaction_rate') + '（回访）';
      $('overtime').textContent = text('overtime');
      $('rectifications').textContent = `${text('rectifications_open')} / ${text('rectifications_overdue')}`;
      // The first meaningful paint: the headline figures are on the page
      // (the browser test reads this mark).
      if (!performance.getEntriesByName('zwfw-figures').length) performance.mark('zwfw-figures');
      // The change words as the bulletins write them ("比上月增加75.42%").
      for (const button of document.querySelectorAll('#headline .card')) {
        const i = HEADLINE.indexOf(button.dataset.trend);
        const words = [(total.change || [])[i], (total.year_change || [])[i]]
            .filter((w) => w && w !== '—');
        button.querySelector('.change').textContent = words.join('；') || '无可比数据';
      }
      drawSites(cases);
      $('department-choice').replaceChildren(option('', '请选择部门'),
          ...(cases.departments || []).map((d) => option(d.department_code, d.department_name)));
      drawSatisfaction(survey);
      drawCharts();
      drawDepartmentTable();
      drawTiers(card);
      const formats = [['text', '文本'], ['html', '网页'], ['pdf', 'PDF'], ['xlsx', 'Excel'], ['csv', 'CSV']];
      const links = $('bulletin-links');
      links.replaceChildren(...formats.map(([f, name]) => {
        const a = document.createElement('a');
        a.href = `/v1/periods/${encodeURIComponent(code)}/published?format=${f}`;
        a.textContent = `已发布通报（${name}）`;
        return a;
      }));
      await drawTrend(p);
      $('status').textContent = '';
      document.body.dataset.loaded = code;
    } catch (e) {
      $('status').textContent = '无法加载：' + e.message;
    }
  }

  // The chosen headline figure over the last periods of the same kind
  // (12 months, 8 quarters, 6 half years, 5 years): a line and its table.
  const trendTable = zwfwTable.create($('trend-table'), {rowHeaders: true, save: exportTable,
    name: () => $('trend-caption').textContent.replace(/（.*/, '')});
  // A period in a table: its name, sorted in time.
  const periodCell = (q, k) => ({value: periodName(q), key: k});
  async function drawTrend(p) {
    const periods = periodsEndingWith(p, KINDS[p.kind].trend);
    const read = await Promise.all(periods.map((q) => answerOf(periodCode(q))));
    const i = HEADLINE.indexOf(trendIndicator);
    const rate = RATES.has(trendIndicator);
    const values = read.map((a) => {
      const f = ((a.total || {}).figures || [])[i] || {};
      if (!rate) return n(f.numerator);
      return n(f.denominator) === 0 ? null : Number((100 * n(f.numerator) / n(f.denominator)).toFixed(1));
    });
    const label = document.querySelector(`#headline .card[data-trend="${CSS.escape(trendIndicator)}"] .label`).textContent;
    const title = `${label}趋势（${periodName(periods[0])}—${periodName(p)}）`;
    $('trend-title').textContent = title;
    $('trend-caption').textContent = title;
    drawDrillLinks();
    for (const button of document.querySelectorAll('#headline .card')) {
      button.setAttribute('aria-pressed', String(button.dataset.trend === trendIndicator));
    }
    trendTable.show(['周期', rate ? `${label}（%）` : label], periods.map((q, k) =>
      [periodCell(q, k), values[k] !== null && rate ? {value: values[k], text: values[k] + '%'} : values[k]]));
    const chart = echarts.init($('trend-chart'));
    chart.setOption({
      tooltip: {trigger: 'axis', renderMode: 'richText'},
      grid: {left: 70, top: 20, right: 30, bottom: 40},
      xAxis: {type: 'category', data: periods.map(periodName)},
      yAxis: {type: 'value', axisLabel: {formatter: rate ? '{value}%' : '{value}'}},
      series: [{type: 'line', data: values, connectNulls: false, label: {show: true}}],
      animation: false,
    }, true);
  }

  // ---- The departments at any scale ----
  //
  // The charts show CHART_UNITS departments: the top or the bottom ones
  // (#chart-range) or those whose name holds the searched words — never
  // 2,000 bars; every department is in the sortable table below them.
  const CHART_UNITS = 15;
  let siteRows = [];          // {code, name, sites: [center, department, grassroots], total}
  let satisfactionRows = [];  // {code, name, rate (0–100, one decimal)}
  // What the satisfaction chart shows: the ratings' 满意率, or the return
  // visits' when the period has no ratings (as the headline card does),
  // and the records a department's bar opens (all it counts).
  const SATISFACTION = {
    ratings: {title: '各部门满意率', header: '满意率（%）', drill: 'satisfaction_rate', records: '评价'},
    visits: {title: '各部门回访满意率', header: '回访满意率（%）', drill: 'visit_satisfaction_rate', records: '回访'},
  };
  let satisfactionKind = SATISFACTION.ratings;
  const openSatisfaction = (code) => openDrill({drill: satisfactionKind.drill, den: true, department: code});
  function pick(rows, value) {
    const words = $('chart-search').value.trim();
    if (words) return rows.filter((d) => d.name.includes(words)).slice(0, CHART_UNITS);
    const valued = rows.filter((d) => value(d) !== null);
    const sorted = [...valued].sort((x, y) => value(y) - value(x));
    return $('chart-range').value === 'bottom' ? sorted.slice(-CHART_UNITS) : sorted.slice(0, CHART_UNITS);
  }
  function drawCharts() {
    const sites = pick(siteRows, (d) => (d.total > 0 ? d.total : null));
    const chart = echarts.init($('sites-chart'));
    chart.setOption({
      title: {text: '各部门办件量（按办理地点；点击查看办件）'},
      tooltip: {trigger: 'axis', renderMode: 'richText'},
      legend: {top: 28, data: SITES.map(([name]) => name)},
      grid: {left: 130, top: 60, right: 20, bottom: 20},
      xAxis: {type: 'value'},
      yAxis: {type: 'category', inverse: true, data: sites.map((d) => d.name)},
      series: SITES.map(([name], k) => ({name, type: 'bar', stack: 'site', data: sites.map((d) => d.sites[k]),
        cursor: 'pointer'})),
      animation: false,
    }, true);
    chart.off('click');
    chart.on('click', (e) => {
      openDrill({drill: `accepted[site=${SITES[e.seriesIndex][2]}]`, den: false, department: sites[e.dataIndex].code});
    });
    const rated = pick(satisfactionRows, (d) => d.rate);
    const satisfaction = echarts.init($('satisfaction-chart'));
    satisfaction.setOption({
      title: {text: satisfactionKind.title + (rated.length ? `（点击查看${satisfactionKind.records}）` : '（本期无评价数据）')},
      tooltip: {renderMode: 'richText'},
      grid: {left: 130, top: 60, right: 20, bottom: 20},
      xAxis: {type: 'value', max: 100},
      yAxis: {type: 'category', inverse: true, data: rated.map((d) => d.name)},
      series: [{type: 'bar', data: rated.map((d) => d.rate), cursor: 'pointer'}],
      animation: false,
    }, true);
    satisfaction.off('click');
    satisfaction.on('click', (e) => openSatisfaction(rated[e.dataIndex].code));
    const idle = siteRows.filter((d) => d.total === 0).length;
    $('chart-note').textContent = `共 ${siteRows.length.toLocaleString('zh-CN')} 个部门` +
        (idle ? `，其中 ${idle.toLocaleString('zh-CN')} 个本期无办件` : '') +
        (siteRows.length > CHART_UNITS ? `；图中最多显示 ${CHART_UNITS} 个，全部见数据表` : '');
  }
  function drawSites(cases) {
    siteRows = (cases.departments || []).map((d) => {
      const sites = SITES.map(([, key]) => n((d.approval || {})[key]) + n((d.convenience || {})[key]));
      return {code: d.department_code, name: d.department_name, sites,
        total: n((d.approval || {}).total) + n((d.convenience || {}).total)};
    });
  }
  function drawSatisfaction(survey) {
    const departments = survey.departments || [];
    const rated = departments.some((d) => n(((d.ratings || {}).satisfaction_rate || {}).denominator));
    satisfactionKind = rated || !n((survey.return_visits || {}).reached) ? SATISFACTION.ratings : SATISFACTION.visits;
    satisfactionRows = departments.map((d) => {
      const r = (rated ? (d.ratings || {}) : (d.return_visits || {})).satisfaction_rate || {};
      return {code: d.department_code, name: d.department_name,
        rate: n(r.denominator) ? Number((100 * n(r.numerator) / n(r.denominator)).toFixed(1)) : null};
    });
  }
  for (const id of ['chart-range', 'chart-search']) $(id).addEventListener('input', drawCharts);

  // Every department in one table, sorted by any column, drawn when
  // unfolded. Its cells open what the charts' bars open — the keyboard's
  // way to them: a name its page, a count its cases, a rate its ratings.
  const departmentsTable = zwfwTable.create($('department-table'), {lazy: true,
    sort: {column: 4, descending: true}, save: exportTable, name: () => '各部门办件情况'});
  function drawDepartmentTable() {
    const rates = new Map(satisfactionRows.map((d) => [d.code, d.rate]));
    const cases = (value, code, drill) => (value > 0
      ? {value, open: () => openDrill({drill, den: false, department: code})} : value);
    departmentsTable.show(['部门', ...SITES.map(([name]) => name), '合计', satisfactionKind.header],
        siteRows.map((d) => {
          const rate = rates.has(d.code) ? rates.get(d.code) : null;
          return [{value: d.name, open: () => openDepartment(d.code)},
            ...d.sites.map((v, k) => cases(v, d.code, `accepted[site=${SITES[k][2]}]`)),
            cases(d.total, d.code, 'accepted'),
            rate === null ? null : {value: rate, open: () => openSatisfaction(d.code)}];
        }));
  }

  function drawTiers(card) {
    const el = $('tiers');
    if (card.error) {
      el.textContent = '考核结果暂不可用：' + card.error;
      return;
    }
    const tiers = new Map();
    for (const d of card.departments || []) {
      const t = d.tier || '未达档次';
      if (!tiers.has(t)) tiers.set(t, []);
      tiers.get(t).push(d.department_name);
    }
    el.replaceChildren();
    for (const [tier, names] of tiers) {
      const p = document.createElement('p');
      p.textContent = `${tier}：${names.join('、')}`;
      el.appendChild(p);
    }
    if (card.windows && card.windows.length) {
      const p = document.createElement('p');
      p.textContent = '优质服务窗口：' + card.windows.map((w) => w.name).join('、');
      el.appendChild(p);
    }
  }

  // ---- The records behind a figure (?drill=…) ----
  //
  // A headline figure's records: the cases its numerator or denominator
  // counts (ListCases `indicator`: the gateway lists exactly the cases the
  // figure counts, so the list's count is the figure), or the
  // rectifications. Ratings are not listed (no API yet).
  const RECORDS = {
    'accepted': [{name: '受理办件', drill: 'accepted'}],
    'accepted_share[online=yes]': [
      {name: '网上办理的办件', drill: 'accepted_share[online=yes]'},
      {name: '全部受理办件', drill: 'accepted_share[online=yes]', den: true}],
    'same_day_rate[site=center]': [
      {name: '中心当日办结的办件', drill: 'same_day_rate[site=center]'},
      {name: '中心受理的办件', drill: 'same_day_rate[site=center]', den: true}],
    'satisfaction_rate': [
      {name: '满意的评价', drill: 'satisfaction_rate'},
      {name: '全部评价', drill: 'satisfaction_rate', den: true},
      {name: '回访满意', drill: 'visit_satisfaction_rate'},
      {name: '回访接通', drill: 'visit_satisfaction_rate', den: true}],
    'overtime': [{name: '超时办件', drill: 'overtime'}],
    'rectifications_open': [
      {name: '未办结的差评整改', drill: 'rectifications_open'},
      {name: '超期未整改的差评', drill: 'rectifications_overdue'}],
  };
  // The department bars' records (drawSites): the cases of each site.
  const SITES = [['中心办理', 'center', 'center'], ['部门办理', 'department_site', 'department'],
    ['基层办理', 'grassroots', 'grassroots']];
  function drillName(drill, den) {
    for (const list of Object.values(RECORDS)) {
      const r = list.find((x) => x.drill === drill && !!x.den === den);
      if (r) return r.name;
    }
    const site = SITES.find(([, , f]) => drill === `accepted[site=${f}]`);
    return site ? `${site[0]}的办件` : `${drill}${den ? '（分母）' : ''}的办件`;
  }
  const DRILL_PAGE = 50;

  // What the address asks to show: the overview, or a figure's records.
  function drillOfAddress() {
    const q = new URLSearchParams(location.search);
    const drill = q.get('drill');
    if (!drill) return null;
    return {drill, den: q.get('den') === '1', department: q.get('department') || '',
      status: q.get('status') || ''};
  }
  function drillAddress(d) {
    const q = new URLSearchParams({period: periodCode(period), drill: d.drill});
    if (d.den) q.set('den', '1');
    if (d.department) q.set('department', d.department);
    if (d.status) q.set('status', d.status);
    return '?' + q.toString();
  }
  function openDrill(d) {
    history.pushState(null, '', drillAddress(d));
    show();
  }
  window.addEventListener('popstate', () => {
    period = parsePeriod(new URLSearchParams(location.search).get('period')) || period;
    showPeriod(period);
    show();
  });

  // The links under the trend: the chosen figure's records.
  function drawDrillLinks() {
    const links = (RECORDS[trendIndicator] || []).map((r) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'drill-link';
      b.textContent = `查看明细：${r.name}`;
      b.addEventListener('click', () => openDrill({drill: r.drill, den: !!r.den}));
      return b;
    });
    $('drill-links').replaceChildren(...links);
  }

  // Dates as Chinese documents write them, in China Standard Time:
  // 2020年7月3日 09:15.
  function chinaTime(ts) {
    if (!ts) return '';
    const d = new Date(Date.parse(ts) + 8 * 3600 * 1000);
    const two = (v) => String(v).padStart(2, '0');
    return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ` +
        `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  }
  const STATUS = {CASE_STATUS_ACCEPTED: '办理中', CASE_STATUS_SUSPENDED: '中止',
    CASE_STATUS_COMPLETED: '已办结', CASE_STATUS_WITHDRAWN: '已撤回', CASE_STATUS_REJECTED: '不予受理'};
  const CATEGORY = {ITEM_CATEGORY_APPROVAL: '行政审批', ITEM_CATEGORY_CONVENIENCE: '公共服务'};
  const SITE = {HANDLING_SITE_CENTER: '中心', HANDLING_SITE_DEPARTMENT: '部门', HANDLING_SITE_GRASSROOTS: '基层'};
  const STATE = {
    RECTIFICATION_STATE_PENDING_VERIFICATION: '待核实', RECTIFICATION_STATE_RECTIFYING: '整改中',
    RECTIFICATION_STATE_RECTIFIED: '已整改', RECTIFICATION_STATE_CLOSED: '已回访办结',
    RECTIFICATION_STATE_APPEALED: '申诉中', RECTIFICATION_STATE_APPEAL_UPHELD: '申诉成立',
    RECTIFICATION_STATE_APPEAL_REJECTED: '申诉驳回'};
  // A time in a table: as chinaTime writes it, sorted by the instant.
  const timeCell = (ts, none = '') => ({value: chinaTime(ts) || none, key: ts ? Date.parse(ts) : null});
  // The pauses of a case: how many, and their days (自然日); sorted by
  // their length.
  function pauses(c) {
    const list = c.pauses || [];
    if (!list.length) return {value: '无', key: 0};
    const ms = list.reduce((sum, p) => sum + Math.max(Date.parse(p.end || p.start) - Date.parse(p.start), 0), 0);
    return {value: `${list.length}次，共${(ms / 86400000).toFixed(1)}天`, key: ms};
  }
  const stars = (rating) => ({value: `${n(rating)}星`, key: n(rating)});
  // A record's cells, as the table shows them and the exports write them.
  const CASE_HEADERS = ['部门', '办件编号', '类别', '办理地点', '状态', '受理时间', '承诺办结时间', '办结时间', '暂停', '超时'];
  const caseCells = (names, c, overtime) => [names.get(c.department_code) || c.department_code, c.case_no,
    CATEGORY[c.category] || '', SITE[c.site] || '', STATUS[c.status] || '', timeCell(c.accepted_at),
    timeCell(c.due_at, '无'), timeCell(c.completed_at), pauses(c), overtime ? '是' : '否'];
  const RECTIFICATION_HEADERS = ['部门', '办件编号', '评价', '状态', '差评时间', '整改期限', '整改时间', '超期'];
  const rectificationCells = (names, r) => [names.get(r.department_code) || r.department_code, r.case_no,
    stars(r.rating), STATE[r.state] || r.state, timeCell(r.opened_at), timeCell(r.due_at),
    timeCell(r.rectified_at), r.overdue ? '是' : '否'];
  const CHANNEL = {EVALUATION_CHANNEL_WINDOW_DEVICE: '窗口评价器', EVALUATION_CHANNEL_QR_CODE: '二维码',
    EVALUATION_CHANNEL_KIOSK: '自助终端', EVALUATION_CHANNEL_ONLINE: '网上', EVALUATION_CHANNEL_APP: '移动端',
    EVALUATION_CHANNEL_SMS: '短信', EVALUATION_CHANNEL_RETURN_VISIT: '电话回访', EVALUATION_CHANNEL_HOTLINE_12345: '12345热线'};
  const EVALUATION_HEADERS = ['部门', '办件编号', '窗口', '工作人员', '评价', '渠道', '评价时间', '默认评价'];
  const evaluationCells = (names, e) => [names.get(e.department_code) || e.department_code, e.case_no || '（现场）',
    e.window_code || '', e.staff_code || '', stars(e.rating), CHANNEL[e.channel] || e.channel || '',
    timeCell(e.evaluated_at), e.defaulted ? '是' : '否'];
  const VISIT_HEADERS = ['部门', '办件编号', '回访时间', '接通', '评价'];
  const visitCells = (names, v) => [names.get(v.department_code) || v.department_code, v.case_no,
    timeCell(v.visited_at), v.reached ? '是' : '否', v.reached ? stars(v.rating) : ''];
  // The survey's lists. Which one holds an indicator's records is the
  // library's to say (GetIndicators' IndicatorInfo.records); each lists
  // exactly those its figure counts for `indicator=` (and `denominator`).
  const SURVEY_LISTS = {
    ratings: {path: '/v1/evaluations', field: 'evaluations', headers: EVALUATION_HEADERS, cells: evaluationCells},
    return_visits: {path: '/v1/return-visits', field: 'visits', headers: VISIT_HEADERS, cells: visitCells},
    rectifications: {path: '/v1/rectifications', field: 'rectifications', headers: RECTIFICATION_HEADERS,
      cells: rectificationCells},
  };

  // The records' table: a page of DRILL_PAGE; sorting reads the whole list
  // first (up to EXPORT_LIMIT records), then pages it in the page.
  const EXPORT_LIMIT = 100000;  // records a download or a sort holds at most
  const recordsTable = zwfwTable.create($('drill-table'), {
    pageSize: DRILL_PAGE, save: exportTable,
    name: () => drillName(drillState.d.drill, drillState.d.den),
    whole: readWhole,
    // A list held whole is written as it is sorted.
    all: async (status) => (drillState.list ? recordsTable.rows() : await caseRows(drillState, status)),
    sorted: () => {
      drillState.page = 0;
      drawDrillPage();
    },
  });

  // The drill's state: its pages' tokens (cases, read a page at a time) or
  // its whole list as rows (survey lists; cases once sorted), and where
  // the reader is.
  let drillState = null;
  async function showDrill(d) {
    $('overview').hidden = true;
    $('department').hidden = true;
    $('drill').hidden = false;
    $('drill-back').href = '?period=' + encodeURIComponent(periodCode(period));
    const code = periodCode(period);
    const names = new Map();
    try {
      const stats = await get(`/v1/periods/${code}/case-stats`);
      for (const dep of stats.departments || []) names.set(dep.department_code, dep.department_name);
    } catch (e) {
      // The names are a convenience: the codes still show.
    }
    const select = $('drill-department');
    select.replaceChildren(option('', '全部部门'),
        ...[...names].map(([c, name]) => option(c, name)));
    select.value = d.department;
    $('drill-status').value = d.status;
    // Where the figure's records are listed (cases unless the library says
    // otherwise).
    const info = await get(`/v1/periods/${code}/indicators?indicators=${encodeURIComponent(d.drill)}`, false)
        .then((a) => (a.indicators || [])[0] || {}, () => ({}));
    const survey = SURVEY_LISTS[info.records] || null;
    $('drill-status-label').hidden = !!survey;
    const where = d.department ? `，${names.get(d.department) || d.department}` : '';
    $('drill-title').textContent = `${drillName(d.drill, d.den)}（${periodName(period)}${where}）`;
    drillState = {d, names, survey, tokens: [''], page: 0, list: null, total: 0};
    recordsTable.status().textContent = '';
    recordsTable.show(survey ? survey.headers : CASE_HEADERS, [], true);
    document.title = `${$('drill-title').textContent} - 政务服务绩效看板`;
    await drawDrillPage();
  }

  async function drawDrillPage() {
    const st = drillState;
    const code = periodCode(period);
    $('drill-count').textContent = '加载中…';
    delete document.body.dataset.drilled;
    try {
      let shown;
      let more;
      if (st.survey && !st.list) {
        const q = new URLSearchParams({period: code, indicator: st.d.drill});
        if (st.d.den) q.set('denominator', 'true');
        if (st.d.department) q.set('department_code', st.d.department);
        st.list = ((await get(`${st.survey.path}?${q}`, false))[st.survey.field] || [])
            .map((r) => st.survey.cells(st.names, r));
        st.total = st.list.length;
        recordsTable.show(st.survey.headers, st.list);
      }
      if (st.list) {
        recordsTable.page(st.page * DRILL_PAGE);
        shown = Math.max(Math.min(DRILL_PAGE, st.total - st.page * DRILL_PAGE), 0);
        more = (st.page + 1) * DRILL_PAGE < st.total;
      } else {
        const got = await casesPage(st);
        recordsTable.show(CASE_HEADERS, got.cases.map((c, i) => caseCells(st.names, c, got.overtime[i])));
        shown = got.cases.length;
        more = got.more;
      }
      $('drill-denied').hidden = true;
      for (const id of ['drill-filters', 'drill-table-exports', 'drill-table']) $(id).hidden = false;
      const first = st.page * DRILL_PAGE;
      $('drill-count').textContent = st.total === 0 ? '共 0 件' :
          `共 ${st.total.toLocaleString('zh-CN')} 件，第 ${(first + 1).toLocaleString('zh-CN')}–` +
          `${(first + shown).toLocaleString('zh-CN')} 件`;
      $('drill-previous').disabled = st.page === 0;
      $('drill-next').disabled = !more;
      document.body.dataset.drilled = st.d.drill;
    } catch (e) {
      const denied = e.status === 401 || e.status === 403;
      $('drill-denied').hidden = !denied;
      for (const id of ['drill-filters', 'drill-table-exports', 'drill-table']) $(id).hidden = denied;
      $('drill-previous').disabled = $('drill-next').disabled = true;
      $('drill-count').textContent = denied ? '' : '无法加载：' + e.message;
      document.body.dataset.drilled = 'denied';
    }
  }

  function casesQuery(d, code, size, token) {
    const q = new URLSearchParams({period: code, indicator: d.drill, page_size: String(size)});
    if (d.den) q.set('denominator', 'true');
    if (d.department) q.set('department_code', d.department);
    if (d.status) q.set('status', d.status);
    if (token) q.set('page_token', token);
    return q;
  }

  // ---- Exports: every table as CSV and XLSX (table_export.js) ----
  //
  // Named office-period-table: 重庆市綦江区政务服务管理办公室-2020年7月-超时办件.xlsx
  // (the office from the gateway's --office_name).
  const office = fetch('/static/office.json').then((r) => r.json())
      .then((j) => j.office || '').catch(() => '');
  async function exportTable(tableName, table, format) {
    const base = [await office, periodName(period), tableName].filter(Boolean).join('-');
    zwfwExport.save(table, base, format);
    document.body.dataset.exported = base;
  }
  // Every case of the list shown (at most EXPORT_LIMIT), as rows, the
  // progress in `status`.
  async function caseRows(st, status) {
    const rows = [];
    let token = '';
    do {
      const answer = await get('/v1/cases?' + casesQuery(st.d, periodCode(period), 1000, token), false);
      (answer.cases || []).forEach((c, i) => rows.push(caseCells(st.names, c, (answer.overtime || [])[i])));
      token = answer.next_page_token || '';
      status.textContent = `读取中：${rows.length.toLocaleString('zh-CN')} / ${st.total.toLocaleString('zh-CN')} 件`;
    } while (token && rows.length < EXPORT_LIMIT);
    status.textContent = token ? `只读取了前 ${EXPORT_LIMIT.toLocaleString('zh-CN')} 件` : '';
    return rows;
  }
  // Before the records are sorted: the whole list in the page (a list
  // longer than EXPORT_LIMIT is not sorted: the page says to narrow it).
  async function readWhole() {
    const st = drillState;
    if (st.list) return true;
    const status = recordsTable.status();
    if (st.total > EXPORT_LIMIT) {
      status.textContent = `共 ${st.total.toLocaleString('zh-CN')} 件，超过 ` +
          `${EXPORT_LIMIT.toLocaleString('zh-CN')} 件无法排序，请按部门或状态筛选`;
      return false;
    }
    try {
      st.list = await caseRows(st, status);
    } catch (e) {
      status.textContent = '无法排序：' + e.message;
      return false;
    }
    st.total = st.list.length;
    recordsTable.show(CASE_HEADERS, st.list);
    return true;
  }

  // One page of the figure's cases: the gateway may answer a filtered list
  // in short pages, so read on until the page is full or the list ends.
  async function casesPage(st) {
    const code = periodCode(period);
    const cases = [];
    const overtime = [];
    let token = st.tokens[st.page];
    do {
      const q = casesQuery(st.d, code, DRILL_PAGE - cases.length, token);
      // The count, once: with the list's first request.
      const counting = st.page === 0 && !token;
      if (counting) q.set('with_total_size', 'true');
      const answer = await get('/v1/cases?' + q, false);
      if (counting) st.total = n(answer.total_size);
      cases.push(...(answer.cases || []));
      overtime.push(...(answer.overtime || []));
      token = answer.next_page_token || '';
    } while (token && cases.length < DRILL_PAGE);
    st.tokens[st.page + 1] = token;
    return {cases, overtime, more: !!token};
  }

  $('drill-previous').addEventListener('click', () => {
    --drillState.page;
    drawDrillPage();
  });
  $('drill-next').addEventListener('click', () => {
    ++drillState.page;
    drawDrillPage();
  });
  for (const id of ['drill-department', 'drill-status']) {
    $(id).addEventListener('change', () => {
      const d = {...drillState.d, department: $('drill-department').value, status: $('drill-status').value};
      history.replaceState(null, '', drillAddress(d));
      showDrill(d);
    });
  }
  $('drill-login').addEventListener('click', () => {
    if (askToken('请输入令牌：部门令牌查看本部门明细，中心工作人员的只读令牌（office）查看全部；请勿输入管理员令牌')) {
      drawDrillPage();
    }
  });
  $('drill-back').addEventListener('click', (e) => {
    e.preventDefault();
    history.pushState(null, '', '?period=' + encodeURIComponent(periodCode(period)));
    show();
  });

  // The overview or the records, as the address says; the overview is read
  // again only when its period changed.
  let shown = '';
  function show() {
    const d = drillOfAddress();
    if (d) {
      $('department').hidden = true;
      showDrill(d);
      return;
    }
    const department = new URLSearchParams(location.search).get('department');
    if (department) {
      showDepartment(department);
      return;
    }
    $('department').hidden = true;
    $('drill').hidden = true;
    $('overview').hidden = false;
    document.title = '政务服务绩效看板';
    if (shown !== periodCode(period)) load();
  }

  // ---- One department's page (?department=CODE) ----
  //
  // Its headline figures with their rank among the departments and their
  // changes, its trend, its score lines, its windows' and staff's ratings,
  // and links to its records (overtime cases, open rectifications).
  // A department's place by the i-th indicator, as the gateway ranks them
  // (GetIndicators' places: exact ratios, ties sharing a place, fewer
  // better for overtime and rectifications): "第3位 / 34", sorted by it.
  function rank(answer, mine, i) {
    const place = n((mine.places || [])[i]);
    if (!place) return {value: '—', key: null};
    return {value: `第${place}位 / ${n(((answer.indicators || [])[i] || {}).ranked)}`, key: place};
  }
  // A figure in a table: a count, or a rate shown as a percentage and
  // sorted by its ratio.
  const figureCell = (name, f) => (RATES.has(name)
    ? {value: pct(f.numerator, f.denominator), key: n(f.denominator) ? n(f.numerator) / n(f.denominator) : null,
      numeric: true}
    : n(f.numerator));
  // The department page's tables, exported as "区人力社保局主要指标" and so on.
  let departmentName = '';
  const departmentTable = (id, name, options = {}) =>
    zwfwTable.create($(id), {save: exportTable, name: () => departmentName + name, ...options});
  const departmentTables = {
    figures: departmentTable('department-figures', '主要指标'),
    trend: departmentTable('department-trend', '受理办件趋势', {rowHeaders: true}),
    lines: departmentTable('department-lines', '考核得分'),
    windows: departmentTable('department-windows', '窗口和工作人员评价'),
  };

  async function showDepartment(code) {
    $('overview').hidden = true;
    $('drill').hidden = true;
    $('department').hidden = false;
    delete document.body.dataset.department;
    const p = period;
    const pc = periodCode(p);
    for (const a of document.querySelectorAll('#department .back')) a.href = '?period=' + encodeURIComponent(pc);
    try {
      const [indicators, survey, card] = await Promise.all([
        indicatorsOf(pc, true), get(`/v1/periods/${pc}/satisfaction`),
        p.kind === 'month' ? get(`/v1/periods/${pc}/scorecard`).catch((e) => ({error: e.message}))
            : Promise.resolve({error: '绩效考核按月进行，请选择月份查看'}),
      ]);
      const rows = indicators.departments || [];
      const mine = rows.find((row) => row.code === code);
      if (!mine) throw new Error(`没有代码为 ${code} 的部门`);
      departmentName = mine.name;
      $('department-title').textContent = `${mine.name}（${periodName(p)}）`;
      document.title = `${mine.name} - 政务服务绩效看板`;
      const labels = {};
      for (const b of document.querySelectorAll('#headline .card')) labels[b.dataset.trend] = b.querySelector('.label').textContent;
      labels.visit_satisfaction_rate = '回访满意率';
      labels.rectifications_open = '差评整改未办结';
      labels.rectifications_overdue = '差评整改超期';
      departmentTables.figures.show(['指标', '本期', '排名', '变化'], HEADLINE.map((name, i) => {
        const words = [(mine.change || [])[i], (mine.year_change || [])[i]].filter((w) => w && w !== '—');
        return [labels[name], figureCell(name, (mine.figures || [])[i] || {}), rank(indicators, mine, i),
          words.join('；') || '无可比数据'];
      }));
      const links = [['超时办件', 'overtime'], ['受理办件', 'accepted'], ['未办结的差评整改', 'rectifications_open']]
          .map(([name, drill]) => {
            const b = document.createElement('button');
            b.type = 'button';
            b.className = 'drill-link';
            b.textContent = `查看明细：本部门${name}`;
            b.addEventListener('click', () => openDrill({drill, den: false, department: code, status: ''}));
            return b;
          });
      $('department-links').replaceChildren(...links);

      // The trend of its cases over the periods the overview draws.
      const periods = periodsEndingWith(p, KINDS[p.kind].trend);
      const read = await Promise.all(periods.map((q) => answerOf(periodCode(q))));
      const accepted = read.map((a) => n((((a.departments || []).find((r) => r.code === code) || {}).figures || [])[0]?.numerator));
      departmentTables.trend.show(['周期', '受理办件'], periods.map((q, k) => [periodCell(q, k), accepted[k]]));
      echarts.init($('department-trend-chart')).setOption({
        tooltip: {trigger: 'axis', renderMode: 'richText'},
        grid: {left: 70, top: 20, right: 30, bottom: 40},
        xAxis: {type: 'category', data: periods.map(periodName)},
        yAxis: {type: 'value'},
        series: [{type: 'line', data: accepted, label: {show: true}}],
        animation: false,
      }, true);

      // Its score and how it was made (a published scorecard for the
      // anonymous viewer; scorecards are monthly).
      const score = card.error ? null : (card.departments || []).find((d) => d.department_code === code);
      $('department-score').textContent = card.error ? '考核结果暂不可用：' + card.error
          : score ? `得分 ${(n(score.score) / 100).toFixed(2)}${score.tier ? `，${score.tier}` : ''}` : '无考核结果';
      departmentTables.lines.show(['项目', '情况', '分值'], ((score && score.lines) || []).map((l) =>
        [l.text, l.detail || String(n(l.count)), {value: n(l.points) / 100, text: (n(l.points) / 100).toFixed(2)}]));

      // Its windows, and their staff under each.
      const windows = (survey.windows || []).filter((w) => w.department_code === code);
      // A window's row (staff '合计'), then its staff's.
      const rate = (r) => figureCell('satisfaction_rate', r || {});
      const counts = (name, who, c) => [name, who, n(c.active) + n(c.defaulted), rate(c.satisfaction_rate), rate(c.good_rate)];
      const lines = [];
      for (const w of windows) {
        lines.push(counts(w.window_name, '（窗口合计）', w.ratings || {}));
        for (const st of (survey.staff || []).filter((x) => x.window_code === w.window_code)) {
          lines.push(counts(w.window_name, st.staff_name, st.ratings || {}));
        }
      }
      departmentTables.windows.show(['窗口', '工作人员', '评价数', '满意率', '好评率'], lines);
      $('department-no-windows').hidden = lines.length > 0;
      $('status').textContent = '';
      document.body.dataset.department = code;
    } catch (e) {
      $('status').textContent = '无法加载：' + e.message;
    }
  }
  function openDepartment(code) {
    history.pushState(null, '', `?period=${encodeURIComponent(periodCode(period))}&department=${encodeURIComponent(code)}`);
    show();
  }
  $('department-choice').addEventListener('change', () => {
    if ($('department-choice').value) openDepartment($('department-choice').value);
  });
  for (const a of document.querySelectorAll('#department .back')) {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      history.pushState(null, '', '?period=' + encodeURIComponent(periodCode(period)));
      show();
    });
  }

  // ---- Live: the figures follow the data without a reload ----
  //
  // Every REFRESH seconds (?refresh=, 1–3600, default 30) the page asks the
  // gateway whether the shown period's headline answer changed: a
  // conditional GET with its ETag, answered 304 (nothing read) while the
  // services' data versions stand; a new answer redraws the overview or
  // the department page shown (a records list stays as read: its pages
  // would move under the reader).
  const REFRESH = Math.min(Math.max(Number(params.get('refresh')) || 30, 1), 3600) * 1000;
  async function poll() {
    try {
      const department = !$('department').hidden ? document.body.dataset.department : '';
      const code = department ? periodCode(period) : !$('overview').hidden ? shown : '';
      const path = indicatorsPath(code, true);
      if (code && !document.hidden && etags.has(path)) {
        const headers = {'If-None-Match': etags.get(path)};
        if (token()) headers.Authorization = 'Bearer ' + token();
        const r = await fetch(path, {headers, cache: 'no-store'});
        if (r.status === 200 && r.headers.get('ETag') !== etags.get(path)) {
          if (department) {
            answers.clear();  // the trend's periods are read again
            await showDepartment(department);
          } else {
            shown = '';
            await load();
          }
          $('updated').textContent = `数据已更新（${chinaTime(new Date().toISOString())}）`;
        }
      }
    } catch (e) {
      // The next poll tries again; the figures shown stay.
    }
    setTimeout(poll, REFRESH);
  }
  setTimeout(poll, REFRESH);

  // A new kind keeps the year and starts at its first part; a new year or
  // part keeps the rest.
  $('kind').addEventListener('change', () => {
    period = {kind: $('kind').value, year: Number($('year').value), part: KINDS[$('kind').value].parts ? 1 : 0};
    showPeriod(period);
    periodChanged();
  });
  for (const id of ['year', 'part']) {
    $(id).addEventListener('change', () => {
      period = chosenPeriod();
      periodChanged();
    });
  }
  // The records of the same figure for the new period, or its overview.
  function periodChanged() {
    const d = drillOfAddress();
    const department = new URLSearchParams(location.search).get('department');
    if (!d && department) {
      history.replaceState(null, '', `?period=${encodeURIComponent(periodCode(period))}&department=${encodeURIComponent(department)}`);
      showDepartment(department);
      return;
    }
    if (!d) {
      load();
      return;
    }
    history.replaceState(null, '', drillAddress(d));
    showDrill(d);
  }
  for (const button of document.querySelectorAll('#headline .card')) {
    button.addEventListener('click', async () => {
      trendIndicator = button.dataset.trend;
      try {
        await drawTrend(period);
      } catch (e) {
        $('status').textContent = '无法加载：' + e.message;
      }
    });
  }
  show();
})();
