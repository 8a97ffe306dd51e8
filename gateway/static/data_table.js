// Every table of the dashboard: sorted by any column (a click, or Enter or
// Space on its heading; aria-sort says how), downloaded as CSV or Excel
// (table_export.js) with the buttons it puts after the table, and paged
// when asked to.
//
// A row is an array of cells. A cell is a value — a number, a string, or
// null for 无数据 — or {value, text, key, open, numeric}: `value` is what the
// exports write, `text` what the page shows (by default the value, numbers
// grouped as zh-CN writes them), `key` what it sorts by (by default the
// value: a time's text sorts by its instant, a rate by its ratio), and
// `open`, when given, makes the cell a button that opens its records
// (the keyboard's way to what a chart's bar opens); `numeric` sets a
// figure written as text (95.4%) right as the counts are.
//
//   const t = zwfwTable.create($('trend-table'), {
//     name: () => '受理办件趋势',          // the export's table name
//     save: (name, table, format) => …,    // writes the file
//     rowHeaders: true,                    // the first cell heads its row
//     sort: {column: 4, descending: true}, // the order before any choice
//     lazy: true,                          // drawn when its <details> opens
//     pageSize: 50,                        // rows shown from page(first)
//     whole: async () => bool,             // before sorting: read the whole
//                                          // list (show() it), or refuse
//     all: async (status) => rows,         // what the exports write
//     sorted: () => …,                     // after a new order is drawn
//   });
//   t.show(['周期', '受理办件'], [[{value: '2020年7月', key: 0}, 84781], …]);
(function () {
  'use strict';
  const isObject = (c) => c !== null && typeof c === 'object';
  const valueOf = (c) => (isObject(c) ? c.value : c);
  const keyOf = (c) => (isObject(c) && 'key' in c ? c.key : valueOf(c));
  function textOf(c) {
    if (isObject(c) && 'text' in c) return c.text;
    const v = valueOf(c);
    if (v === null || v === undefined) return '无数据';
    return typeof v === 'number' ? v.toLocaleString('zh-CN') : String(v);
  }
  // Cells without a value last, whichever way; names in zh-CN's order.
  function compare(a, b, descending) {
    const x = keyOf(a);
    const y = keyOf(b);
    const missing = (x === null || x === undefined) - (y === null || y === undefined);
    if (missing || x === null || x === undefined) return missing;
    const order = typeof x === 'string' || typeof y === 'string'
        ? String(x).localeCompare(String(y), 'zh-CN') : x - y;
    return descending ? -order : order;
  }

  function create(table, options) {
    const state = {headers: [], rows: [], order: null, sort: null, first: 0, size: options.pageSize || Infinity};
    table.classList.add('sortable');
    // A folded table (options.lazy: 2,000 departments) is drawn when opened.
    const folded = options.lazy ? table.closest('details') : null;
    if (folded) folded.addEventListener('toggle', () => draw());
    // The rows in the chosen order (stable: equal keys keep the data's).
    function ordered() {
      if (state.order) return state.order;
      const rows = state.rows.map((r, i) => [r, i]);
      const s = state.sort;
      if (s) rows.sort(([x, i], [y, j]) => compare(x[s.column], y[s.column], s.descending) || i - j);
      state.order = rows.map(([r]) => r);
      return state.order;
    }
    async function sortBy(column) {
      const s = state.sort;
      // Again: the other way. First: counts the most first, words and
      // times from the first.
      const counted = state.rows.some((r) => typeof valueOf(r[column]) === 'number');
      const next = {column, descending: s && s.column === column ? !s.descending : counted};
      // A list read in pages is read whole first (options.whole), or kept.
      if (options.whole && !(await options.whole())) return;
      state.sort = next;
      state.order = null;
      state.first = 0;
      draw();
      if (options.sorted) options.sorted();
      // The heading keeps the keyboard's focus through the redraws.
      if (table.tHead.rows.length) table.tHead.rows[0].cells[column].focus();
    }
    function heading(name, column) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.tabIndex = 0;
      th.textContent = name;
      const s = state.sort;
      th.setAttribute('aria-sort', s && s.column === column ? (s.descending ? 'descending' : 'ascending') : 'none');
      th.title = '点击按此列排序';
      th.addEventListener('click', () => sortBy(column));
      th.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          sortBy(column);
        }
      });
      return th;
    }
    function cell(c, k) {
      const el = document.createElement(k === 0 && options.rowHeaders ? 'th' : 'td');
      if (el.tagName === 'TH') el.scope = 'row';
      if (typeof valueOf(c) === 'number' || (isObject(c) && c.numeric)) el.className = 'number';
      if (isObject(c) && c.open) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'cell-link';
        b.textContent = textOf(c);
        b.addEventListener('click', c.open);
        el.appendChild(b);
      } else {
        el.textContent = textOf(c);
      }
      return el;
    }
    function draw() {
      if (folded && !folded.open) return;
      const head = document.createElement('tr');
      head.append(...state.headers.map(heading));
      if (!table.tHead) table.createTHead();
      table.tHead.replaceChildren(head);
      if (!table.tBodies.length) table.createTBody();
      const shown = ordered().slice(state.first, state.first + state.size);
      table.tBodies[0].replaceChildren(...shown.map((r) => {
        const tr = document.createElement('tr');
        tr.append(...r.map(cell));
        return tr;
      }));
    }

    // The export buttons, after the table (or its <details>).
    let status = null;
    if (options.save) {
      const p = document.createElement('p');
      p.className = 'exports';
      p.id = `${table.id}-exports`;
      p.append('导出');
      status = document.createElement('span');
      status.className = 'export-status';
      for (const [format, label] of [['csv', 'CSV'], ['xlsx', 'Excel']]) {
        const b = document.createElement('button');
        b.type = 'button';
        b.id = `${table.id}-export-${format}`;
        b.textContent = label;
        b.addEventListener('click', async () => {
          try {
            const rows = options.all ? await options.all(status) : ordered();
            options.save(options.name(), {headers: state.headers, rows: rows.map((r) => r.map(valueOf))}, format);
          } catch (e) {
            status.textContent = '无法导出：' + e.message;
          }
        });
        p.append(' ', b);
      }
      p.append(' ', status);
      const after = table.closest('details') || table;
      after.after(p);
    }

    return {
      // New headers and rows, from the first; the sort stays when the
      // headers do, unless `fresh` (another list) says otherwise.
      show(headers, rows, fresh = false) {
        if (fresh || JSON.stringify(headers) !== JSON.stringify(state.headers)) state.sort = options.sort || null;
        state.headers = headers;
        state.rows = rows;
        state.order = null;
        state.first = 0;
        draw();
      },
      // Shows the rows from `first` (paging a list held whole).
      page(first) {
        state.first = first;
        draw();
      },
      // The rows in the order shown, every one.
      rows: ordered,
      status: () => status,
    };
  }

  window.zwfwTable = {create, text: textOf};
})();
