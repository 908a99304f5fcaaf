// Writes compat/_unicode10.py: the Unicode 10.0.0 Grapheme_Cluster_Break classes that
// compat.segments needs (the version the reference calculator's grapheme splitter implements).
//
//   npm install --prefix /tmp/ucd10 @unicode/unicode-10.0.0@2.0.7
//   node tests/vectors/unicode10_table.mjs /tmp/ucd10/node_modules > compat/_unicode10.py
//
// Hangul L, V, T, LV and LVT are left out: compat.segments derives them from the Hangul
// syllable arithmetic, which has not changed since Unicode 2.0.
const root = process.argv[2] ?? 'node_modules';
const names = [
  ['CONTROL', 'Control'], ['EXTEND', 'Extend'], ['SPACING_MARK', 'SpacingMark'],
  ['PREPEND', 'Prepend'], ['E_BASE', 'E_Base'], ['E_MODIFIER', 'E_Modifier'],
  ['GLUE_AFTER_ZWJ', 'Glue_After_Zwj'], ['E_BASE_GAZ', 'E_Base_GAZ'],
];
const hex = (n) => n.toString(16).toUpperCase().padStart(4, '0');
const lines = [
  '"""Unicode 10.0.0 Grapheme_Cluster_Break classes used by :mod:`compat.segments`.',
  '',
  'Generated from the Unicode Character Database 10.0.0 by ``tests/vectors/unicode10_table.mjs``;',
  'do not edit. Each value is a space-separated list of code points and ``FIRST-LAST`` ranges (hex).',
  '"""',
  '',
  'from __future__ import annotations',
  '',
];
for (const [py, prop] of names) {
  const mod = await import(`${root}/@unicode/unicode-10.0.0/Grapheme_Cluster_Break/${prop}/code-points.mjs`);
  const cps = [...mod.default].sort((a, b) => a - b);
  const items = [];
  for (let i = 0; i < cps.length; ) {
    let j = i;
    while (j + 1 < cps.length && cps[j + 1] === cps[j] + 1) j++;
    items.push(i === j ? hex(cps[i]) : `${hex(cps[i])}-${hex(cps[j])}`);
    i = j + 1;
  }
  const rows = [];
  let row = '';
  for (const item of items) {
    if (row.length + item.length + 1 > 88) { rows.push(row + ' '); row = ''; }
    row += (row ? ' ' : '') + item;
  }
  rows.push(row);
  if (rows.length === 1) {
    lines.push(`${py} = "${rows[0]}"`);
  } else {
    lines.push(`${py} = (`, ...rows.map((r) => `    "${r}"`), ')');
  }
}
console.log(lines.join('\n'));
