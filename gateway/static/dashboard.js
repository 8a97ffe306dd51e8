// The office's dashboard: reads the gateway's JSON for one month and draws
// it. The token (if the gateway needs one) is kept in session storage.
// Nothing from the address bar or the data is ever parsed as HTML: elements
// are built and filled with textContent (the gateway's
// Content-Security-Policy allows only this script besides ECharts).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const lastMonth = () => {
    const d = new Date();
    d.setMonth(d.getMonth() - 1);
    return d.toISOString().slice(0, 7);
  };
  // "YYYY-MM" only: anything else in ?period= is ignored, never used.
  const isPeriod = (p) => /^20\d\d-(0[1-9]|1[0-2])$/.test(p || '');
  $('period').value = isPeriod(params.get('period')) ? params.get('period') : lastMonth();

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
  const indicatorsQuery = HEADLINE.map((i) => 'indicators=' + encodeURIComponent(i)).join('&');

  async function load() {
    const p = $('period').value;
    if (!isPeriod(p)) {
      $('status').textContent = '月份格式应为 YYYY-MM';
      return;
    }
    $('status').textContent = '加载中…';
    try {
      const [cases, survey, card, indicators] = await Promise.all([
        get(`/v1/periods/${p}/case-stats`),
        get(`/v1/periods/${p}/satisfaction`),
        get(`/v1/periods/${p}/scorecard`).catch((e) => ({error: e.message})),
        get(`/v1/periods/${p}/indicators?${indicatorsQuery}`),
      ]);
      const figures = (indicators.total || {}).figures || [];
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
      drawSites(cases);
      drawSatisfaction(survey);
      drawTiers(card);
      const formats = [['text', '文本'], ['html', '网页'], ['pdf', 'PDF'], ['xlsx', 'Excel'], ['csv', 'CSV']];
      const links = $('bulletin-links');
      links.replaceChildren(...formats.map(([f, name]) => {
        const a = document.createElement('a');
        a.href = `/v1/periods/${encodeURIComponent(p)}/published?format=${f}`;
        a.textContent = `已发布通报（${name}）`;
        return a;
      }));
      $('status').textContent = '';
      document.body.dataset.loaded = p;
    } catch (e) {
      $('status').textContent = '无法加载：' + e.message;
    }
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

  $('period').addEventListener('change', load);
  load();
})();
