extension Assets {
    /// The whole stylesheet: hand-written, mobile first, no framework.
    static let stylesheet = #"""
        :root {
          --bg: #f4f6f9; --panel: #fff; --ink: #1d2733; --muted: #5d6b7a; --line: #dfe4ea;
          --accent: #1f5fd1; --accent-ink: #fff; --accent-soft: #e8f0fd; --danger: #b42318; --ok: #17703c;
          --hot: #c2410c; --warm: #b7791f; --cold: #2c6fbb; --radius: 10px; --shadow: 0 1px 2px rgba(16,24,40,.06);
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          color: var(--ink); background: var(--bg); line-height: 1.45; -webkit-text-size-adjust: 100%;
        }
        *, *::before, *::after { box-sizing: border-box; }
        html { scroll-padding-top: 72px; }
        body { margin: 0; min-width: 0; overflow-wrap: anywhere; }
        a { color: var(--accent); }
        a:hover { text-decoration-thickness: 2px; }
        h1 { font-size: 1.5rem; margin: 0 0 .75rem; line-height: 1.2; }
        h2 { font-size: 1.15rem; margin: 0 0 .6rem; }
        h3 { font-size: 1rem; margin: 0 0 .4rem; }
        p { margin: 0 0 .6rem; }
        code { font-size: .9em; background: #eef1f5; padding: .1em .3em; border-radius: 4px; }
        :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; border-radius: 4px; }
        .visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--panel); padding: .5rem 1rem; z-index: 50; }
        .skip:focus { left: .5rem; }
        .muted { color: var(--muted); }
        .icon { width: 1.15em; height: 1.15em; vertical-align: -0.2em; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; flex: none; }

        /* Header and navigation */
        .top { position: sticky; top: 0; z-index: 20; display: flex; align-items: center; gap: .5rem; padding: .5rem .75rem;
          background: var(--panel); border-bottom: 1px solid var(--line); min-height: 56px; }
        .brand { display: flex; align-items: center; gap: .4rem; font-weight: 700; color: var(--ink); text-decoration: none; font-size: 1.1rem; }
        .brand .icon, .brand-bare .icon { color: var(--accent); width: 1.6rem; height: 1.6rem; }
        .brand span { display: none; }
        .global-search { position: relative; flex: 1; min-width: 0; margin: 0; }
        .global-search input { width: 100%; }
        .live-results { position: absolute; left: 0; right: 0; top: calc(100% + 4px); background: var(--panel); border: 1px solid var(--line);
          border-radius: var(--radius); box-shadow: 0 8px 24px rgba(16,24,40,.14); max-height: 70vh; overflow: auto; z-index: 30; }
        .live-results a { display: block; padding: .55rem .75rem; text-decoration: none; color: var(--ink); border-bottom: 1px solid var(--line); }
        .live-results a:hover, .live-results a[aria-selected="true"] { background: var(--accent-soft); }
        .live-results .kind { font-size: .75rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; padding: .4rem .75rem 0; }
        .add-task span, .sign-out span { display: none; }
        .lang-switch, .sign-out { margin: 0; }
        .menu { position: relative; }
        .menu summary { list-style: none; cursor: pointer; display: flex; align-items: center; justify-content: center; min-width: 44px; min-height: 44px; border-radius: 8px; }
        .menu summary::-webkit-details-marker { display: none; }
        .menu nav { position: absolute; top: 48px; left: 0; width: 240px; background: var(--panel); border: 1px solid var(--line);
          border-radius: var(--radius); box-shadow: 0 8px 24px rgba(16,24,40,.16); padding: .4rem; }
        nav a { display: flex; align-items: center; gap: .6rem; padding: .6rem .75rem; min-height: 44px; border-radius: 8px; color: var(--ink); text-decoration: none; }
        nav a:hover { background: var(--bg); }
        nav a.current { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
        .shell { display: block; }
        nav.side { display: none; }
        main { display: block; padding: 1rem .75rem 3rem; min-width: 0; max-width: 1400px; }
        main:focus { outline: none; }
        @media (min-width: 640px) {
          .brand span, .add-task span { display: inline; }
          main { padding: 1.25rem 1.25rem 3rem; }
        }
        @media (min-width: 1000px) {
          .menu { display: none; }
          .shell { display: grid; grid-template-columns: 210px minmax(0, 1fr); }
          nav.side { display: block; padding: .75rem .5rem; border-right: 1px solid var(--line); min-height: calc(100vh - 56px); background: var(--panel); }
          .sign-out span { display: inline; }
          .global-search { max-width: 560px; }
        }

        /* Controls */
        button, .button, input, select, textarea { font: inherit; color: inherit; }
        .button, button { display: inline-flex; align-items: center; justify-content: center; gap: .4rem; min-height: 44px; padding: .45rem .9rem;
          border: 1px solid var(--line); background: var(--panel); border-radius: 8px; cursor: pointer; text-decoration: none; color: var(--ink); white-space: nowrap; }
        .button:hover, button:hover { border-color: #b8c2cc; }
        .button.primary, button.primary { background: var(--accent); color: var(--accent-ink); border-color: var(--accent); font-weight: 600; }
        .button.danger, button.danger { color: var(--danger); }
        button.link { border: 0; background: none; color: var(--accent); padding: .3rem .5rem; min-width: 44px; }
        button.small, .button.small { min-height: 36px; padding: .25rem .6rem; font-size: .9rem; }
        button[disabled] { opacity: .6; cursor: progress; }
        input[type="text"], input[type="search"], input[type="email"], input[type="password"], input[type="tel"], input[type="url"],
        input[type="number"], input[type="date"], input[type="datetime-local"], select, textarea {
          width: 100%; min-height: 44px; padding: .5rem .65rem; border: 1px solid #c5ced8; border-radius: 8px; background: #fff; }
        textarea { min-height: 5rem; resize: vertical; }
        input[aria-invalid="true"], select[aria-invalid="true"], textarea[aria-invalid="true"] { border-color: var(--danger); background: #fff6f5; }
        .field { margin: 0 0 .9rem; min-width: 0; }
        .field > label { display: block; font-weight: 600; margin-bottom: .25rem; font-size: .92rem; }
        .field.check { display: flex; align-items: center; gap: .5rem; }
        .field.check input { width: 22px; height: 22px; }
        .field.check label { font-weight: 400; margin: 0; }
        .req { color: var(--danger); }
        .hint { display: block; font-size: .85rem; color: var(--muted); margin-top: .2rem; }
        .field-error { display: block; color: var(--danger); font-size: .9rem; margin-top: .25rem; }
        .form-errors, .notice { border: 1px solid #f3b7b1; background: #fff3f1; color: var(--danger); padding: .75rem 1rem; border-radius: var(--radius); margin-bottom: 1rem; }
        .form-errors ul { margin: .3rem 0 0; padding-left: 1.2rem; }
        .flash { border: 1px solid #a8dcb9; background: #effaf3; color: var(--ok); padding: .6rem 1rem; border-radius: var(--radius); margin-bottom: 1rem; }
        .grid2 { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0 1rem; }
        @media (min-width: 700px) { .grid2 { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0 1rem; }
        fieldset { border: 1px solid var(--line); border-radius: var(--radius); padding: .75rem 1rem 0; margin: 0 0 1rem; min-width: 0; }
        legend { font-weight: 600; padding: 0 .3rem; }

        /* Panels and pages */
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem; box-shadow: var(--shadow); margin-bottom: 1rem; min-width: 0; }
        .narrow { max-width: 460px; margin: 2rem auto; }
        body.bare { padding: 1rem; }
        .brand-bare { display: flex; gap: .5rem; align-items: center; justify-content: center; font-weight: 700; font-size: 1.4rem; margin-top: 2rem; }
        .page-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; margin-bottom: .75rem; }
        .page-head h1 { margin: 0; }
        .record { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; }
        @media (min-width: 1000px) { .record { grid-template-columns: minmax(0, 340px) minmax(0, 1fr); } }
        dl.facts { display: grid; grid-template-columns: minmax(0, 8.5rem) minmax(0, 1fr); gap: .35rem .75rem; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; min-width: 0; }
        .chip { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .82rem; font-weight: 600; background: #eef1f5; }
        .chip.hot { background: #fde8dd; color: var(--hot); } .chip.warm { background: #fdf3d8; color: var(--warm); } .chip.cold { background: #e2eefb; color: var(--cold); }
        .chip.won { background: #e3f5ea; color: var(--ok); } .chip.lost { background: #fde7e5; color: var(--danger); }
        .tag { display: inline-block; padding: .05rem .5rem; border-radius: 6px; font-size: .82rem; background: var(--accent-soft); color: var(--accent); }
        .empty { color: var(--muted); padding: 1rem 0; }
        .pager { margin-top: 1rem; }
        .stat-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; margin-bottom: 1rem; }
        .stat { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .75rem 1rem; }
        .stat b { display: block; font-size: 1.35rem; }
        .columns { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; }
        @media (min-width: 1000px) { .columns { grid-template-columns: repeat(2, minmax(0, 1fr)); } }

        /* Lists: a table on wide screens, cards on phones */
        table.list { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; }
        table.list th, table.list td { text-align: left; padding: .6rem .7rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        table.list th { font-size: .85rem; color: var(--muted); font-weight: 600; background: #fafbfc; }
        table.list th a { color: inherit; }
        table.list td.num, table.list th.num { text-align: right; white-space: nowrap; }
        table.list tr:last-child td { border-bottom: 0; }
        table.list td.pick, table.list th.pick { width: 2.5rem; }
        table.list input[type="checkbox"] { width: 22px; height: 22px; }
        @media (max-width: 699px) {
          table.list thead { display: none; }
          table.list, table.list tbody, table.list tr, table.list td { display: block; width: 100%; }
          table.list tr { border-bottom: 1px solid var(--line); padding: .5rem .25rem; position: relative; }
          table.list td { border: 0; padding: .15rem .6rem; }
          table.list td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
          table.list td.num { text-align: left; }
          table.list td.pick { position: absolute; right: .25rem; top: .5rem; width: auto; }
        }
        .filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 0 .75rem; align-items: end; }
        details.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .5rem 1rem; margin-bottom: 1rem; }
        details.panel summary { cursor: pointer; font-weight: 600; min-height: 36px; display: flex; align-items: center; }
        .bulk { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .75rem 0; }
        .bulk .field { margin: 0; min-width: 160px; }

        /* Timeline */
        .timeline { list-style: none; margin: 0; padding: 0; }
        .timeline li { border-left: 3px solid var(--line); padding: .2rem 0 .8rem .9rem; position: relative; }
        .timeline li::before { content: ""; position: absolute; left: -8px; top: .45rem; width: 13px; height: 13px; border-radius: 50%; background: var(--panel); border: 3px solid var(--accent); }
        .timeline li.change::before { border-color: #9aa5b1; }
        .timeline .meta { font-size: .85rem; color: var(--muted); }
        .timeline .body { white-space: pre-wrap; }
        .quick-tabs { display: flex; flex-wrap: wrap; gap: .35rem; margin-bottom: .6rem; }
        .quick-tabs a { padding: .35rem .7rem; border-radius: 999px; border: 1px solid var(--line); text-decoration: none; color: var(--ink); min-height: 36px; display: inline-flex; align-items: center; }
        .quick-tabs a.current { background: var(--accent); border-color: var(--accent); color: #fff; }

        /* Tasks */
        .task-list { list-style: none; margin: 0; padding: 0; }
        .task-list li { display: flex; align-items: flex-start; gap: .6rem; padding: .55rem 0; border-bottom: 1px solid var(--line); }
        .task-list li:last-child { border-bottom: 0; }
        .task-list form { margin: 0; }
        .task-list .done-button { min-width: 44px; min-height: 44px; padding: 0; border-radius: 50%; }
        .task-list .overdue { color: var(--danger); font-weight: 600; }
        .task-list .what { flex: 1; min-width: 0; }

        /* Kanban */
        .board-tools { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: .75rem; }
        .board-tools .field { margin: 0; min-width: 150px; }
        .board { display: flex; gap: .75rem; overflow-x: auto; padding-bottom: .75rem; scroll-snap-type: x mandatory; align-items: flex-start; }
        .column { flex: 0 0 min(86vw, 290px); scroll-snap-align: start; background: #e9edf2; border-radius: var(--radius); padding: .5rem; min-height: 200px; }
        .column.drop { outline: 3px dashed var(--accent); outline-offset: -3px; background: var(--accent-soft); }
        .column header { padding: .25rem .35rem .5rem; }
        .column header h2 { font-size: .95rem; margin: 0; }
        .column header .sum { font-size: .85rem; color: var(--muted); }
        .column .cards { list-style: none; margin: 0; padding: 0; min-height: 60px; }
        .deal-card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .6rem .7rem; margin-bottom: .5rem; box-shadow: var(--shadow); cursor: grab; }
        .deal-card.dragging { opacity: .5; }
        .deal-card a.title { font-weight: 600; text-decoration: none; color: var(--ink); }
        .deal-card .amount { font-weight: 600; }
        .deal-card .who { font-size: .85rem; color: var(--muted); }
        .deal-card form { display: flex; gap: .35rem; margin-top: .4rem; }
        .deal-card form select { min-height: 36px; padding: .2rem .4rem; font-size: .88rem; }
        .closers { display: flex; gap: .75rem; margin-top: .5rem; }
        .closer { flex: 1; border: 2px dashed #b8c2cc; border-radius: var(--radius); padding: .8rem; text-align: center; color: var(--muted); }
        .closer.won { border-color: #7cc79a; color: var(--ok); } .closer.lost { border-color: #eba39c; color: var(--danger); }
        .closer.drop { background: var(--accent-soft); }

        /* Calendar */
        .calendar { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 1px; background: var(--line); border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; }
        .calendar .day { background: var(--panel); min-height: 110px; padding: .35rem; min-width: 0; }
        .calendar .day.other { background: #f8f9fb; color: var(--muted); }
        .calendar .day.today { box-shadow: inset 0 0 0 2px var(--accent); }
        .calendar .day h3 { font-size: .85rem; margin: 0 0 .25rem; }
        .calendar .wd { background: #fafbfc; font-size: .8rem; color: var(--muted); padding: .3rem .4rem; font-weight: 600; }
        .calendar ul { list-style: none; margin: 0; padding: 0; }
        .calendar li { font-size: .8rem; background: var(--accent-soft); border-radius: 4px; padding: .1rem .3rem; margin-bottom: 2px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .calendar li.done { text-decoration: line-through; opacity: .7; }
        .calendar li.late { background: #fde7e5; }
        .load { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: .75rem; }
        .load span { background: var(--panel); border: 1px solid var(--line); border-radius: 999px; padding: .2rem .7rem; font-size: .88rem; }
        @media (max-width: 699px) {
          .calendar { grid-template-columns: minmax(0, 1fr); }
          .calendar .wd { display: none; }
          .calendar .day { min-height: 0; }
          .calendar .day.other { display: none; }
        }

        /* Charts */
        svg.chart { width: 100%; height: auto; display: block; }
        svg.chart text { font-size: 12px; fill: var(--muted); }
        svg.chart .bar { fill: var(--accent); }
        svg.chart .bar.alt { fill: #7aa7ec; }

        /* Dialog */
        dialog { border: 0; border-radius: 12px; padding: 0; width: min(560px, calc(100vw - 1.5rem)); max-height: calc(100vh - 2rem); box-shadow: 0 24px 48px rgba(16,24,40,.25); }
        dialog::backdrop { background: rgba(16,24,40,.45); }
        .dialog-body { padding: 1.25rem; }
        .dialog-body main { padding: 0; }
        .inline-edit { display: flex; gap: .35rem; margin: 0; }
        .inline-edit select { min-height: 36px; padding: .2rem .4rem; }
        .js .no-js { display: none; }

        /* Segments and reports */
        .segment-builder .condition { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; border: 1px solid var(--line, #e3e7ee); border-radius: 8px; padding: .5rem; margin: 0 0 .5rem; }
        .segment-builder .condition select, .segment-builder .condition input { min-height: 40px; flex: 1 1 10rem; }
        .segment-builder .condition .check { flex: 0 0 auto; }
        .segment-builder .condition.invalid { border-color: #c4320a; }
        .segment-builder .condition .error { flex-basis: 100%; margin: 0; }
        .segment-count { font-size: 1.1rem; margin: 0; }
        .inline-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; }
        .report-index { list-style: none; padding: 0; display: grid; gap: .75rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
        .report-index a { display: block; font-weight: 600; }
        td.num, th.num { text-align: right; }
        .table-scroll { overflow-x: auto; }
        .menu-export { position: relative; }
        .menu-export .export-links { position: absolute; right: 0; z-index: 5; display: flex; flex-direction: column; gap: .25rem; background: #fff; border: 1px solid #e3e7ee; border-radius: 8px; padding: .5rem; min-width: 11rem; }
        .widgets { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr)); }
        .widget h2 { font-size: 1.05rem; margin: 0; }
        .widget-tools { display: flex; gap: .25rem; }
        ul.factors { list-style: none; padding: 0; margin: .25rem 0 0; font-size: .85rem; }
        ul.factors .up { color: #067647; }
        ul.factors .down { color: #b42318; }
        .delta { font-size: .8rem; margin-left: .35rem; }
        .delta.up { color: #067647; }
        .delta.down { color: #b42318; }
        svg.chart.rfm { max-width: 560px; }
        svg.chart.rfm text.count { font-size: 18px; font-weight: 700; fill: #101828; }
        svg.chart.rfm text.small { font-size: 10px; fill: #101828; }
        """#
}
