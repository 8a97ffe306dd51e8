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

  async function get(path) {
    const headers = token() ? {Authorization: 'Bearer ' + token()} : {};
    const r = await fetch(path, {headers});
    if (r.status === 401) {
      // A viewer token only: the page reads aggregates and never needs the
      // office's admin token (it would sit in this tab's storage).
      const t = prompt('请输入查看令牌（viewer）；请勿在此输入管理员令牌');
      if (t) {
        sessionStorage.setItem('zwfw-token', t.trim());
        return get(path);
      }
    }
    if (!r.ok) {
      const body = await r.json().catch(() => ({message: r.statusText}));
      throw new Error(body.message || r.statusText);
    }
    return r.json();
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
  const indicatorsOf = (code, compare) =>
    get(`/v1/periods/${code}/indicators?${indicatorsQuery}${compare ? '&compare=true' : ''}`);
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
      const share = (name) => pct(figure(name).numerator, figure(name).denominator);
      $('cases').textContent = n(figure('accepted').numerator).toLocaleString('zh-CN');
      $('online').textContent = share('accepted_share[online=yes]');
      $('sameday').textContent = share('same_day_rate[site=center]');
      $('satisfaction').textContent = n(figure('satisfaction_rate').denominator)
          ? share('satisfaction_rate')
          : share('visit_satisfaction_rate') + '（回访）';
      $('overtime').textContent = n(figure('overtime').numerator);
      $('rectifications').textContent =
          `${n(figure('rectifications_open').numerator)} / ${n(figure('rectifications_overdue').numerator)}`;
      // The change words as the bulletins write them ("比上月增加75.42%").
      for (const button of document.querySelectorAll('#headline .card')) {
        const i = HEADLINE.indexOf(button.dataset.trend);
        const words = [(total.change || [])[i], (total.year_change || [])[i]]
            .filter((w) => w && w !== '—');
        button.querySelector('.change').textContent = words.join('；') || '无可比数据';
      }
      drawSites(cases);
      drawSatisfaction(survey);
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
    for (const button of document.querySelectorAll('#headline .card')) {
      button.setAttribute('aria-pressed', String(button.dataset.trend === trendIndicator));
    }
    $('trend-table').tBodies[0].replaceChildren(...periods.map((q, k) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = periodName(q);
      const td = document.createElement('td');
      td.textContent = values[k] === null ? '无数据' : rate ? values[k] + '%' : values[k].toLocaleString('zh-CN');
      tr.append(th, td);
      return tr;
    }));
    const chart = echarts.init($('trend-chart'));
    chart.setOption({
      tooltip: {trigger: 'axis'},
      grid: {left: 70, top: 20, right: 30, bottom: 40},
      xAxis: {type: 'category', data: periods.map(periodName)},
      yAxis: {type: 'value', axisLabel: {formatter: rate ? '{value}%' : '{value}'}},
      series: [{type: 'line', data: values, connectNulls: false, label: {show: true}}],
      animation: false,
    }, true);
  }

  function drawSites(cases) {
    const rows = (cases.departments || [])
        .map((d) => ({name: d.department_name, a: d.approval || {}, c: d.convenience || {}}))
        .filter((d) => n(d.a.total) + n(d.c.total) > 0)
        .sort((x, y) => n(y.a.total) + n(y.c.total) - n(x.a.total) - n(x.c.total));
    const site = (key) => rows.map((d) => n(d.a[key]) + n(d.c[key]));
    const chart = echarts.init($('sites-chart'));
    chart.setOption({
      title: {text: '各部门办件量（按办理地点）'},
      tooltip: {trigger: 'axis'},
      legend: {top: 28, data: ['中心办理', '部门办理', '基层办理']},
      grid: {left: 130, top: 60, right: 20, bottom: 20},
      xAxis: {type: 'value'},
      yAxis: {type: 'category', inverse: true, data: rows.map((d) => d.name)},
      series: [['中心办理', 'center'], ['部门办理', 'department_site'], ['基层办理', 'grassroots']]
          .map(([name, key]) => ({name, type: 'bar', stack: 'site', data: site(key)})),
      animation: false,
    });
  }

  function drawSatisfaction(survey) {
    const rows = (survey.departments || [])
        .map((d) => ({name: d.department_name, r: (d.ratings || {}).satisfaction_rate || {}}))
        .filter((d) => n(d.r.denominator) > 0);
    const chart = echarts.init($('satisfaction-chart'));
    chart.setOption({
      title: {text: rows.length ? '各部门满意率' : '各部门满意率（本月无评价数据）'},
      tooltip: {},
      grid: {left: 130, top: 60, right: 20, bottom: 20},
      xAxis: {type: 'value', max: 100},
      yAxis: {type: 'category', inverse: true, data: rows.map((d) => d.name)},
      series: [{type: 'bar', data: rows.map((d) => (100 * n(d.r.numerator) / n(d.r.denominator)).toFixed(1))}],
      animation: false,
    });
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

  // A new kind keeps the year and starts at its first part; a new year or
  // part keeps the rest.
  $('kind').addEventListener('change', () => {
    period = {kind: $('kind').value, year: Number($('year').value), part: KINDS[$('kind').value].parts ? 1 : 0};
    showPeriod(period);
    load();
  });
  for (const id of ['year', 'part']) {
    $(id).addEventListener('change', () => {
      period = chosenPeriod();
      load();
    });
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
  load();
})();
