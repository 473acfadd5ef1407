// Bundles the designer's browser code (bpmn-js process designer, dmn-js decision editor) into ../wwwroot/bpmn (called by the MSBuild target in Crm.Designer.csproj).
import * as esbuild from 'esbuild';

await esbuild.build({
  entryPoints: { designer: 'src/designer.js', 'designer-style': 'src/designer.css', decisions: 'src/decisions.js', 'decisions-style': 'src/decisions.css' },
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: false,
  target: ['es2020'],
  outdir: '../wwwroot/bpmn',
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  assetNames: 'fonts/[name]',
  logLevel: 'warning'
});
console.log('designer bundle written to wwwroot/bpmn');
