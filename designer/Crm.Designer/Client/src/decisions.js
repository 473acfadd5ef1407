// The decision editor's browser side: a dmn-js modeler opened on the decision table that Blazor drives.
// The XML goes to .NET as a stream (a returned typed array): Blazor Server refuses browser messages over 32 KB.
import DmnModeler from 'dmn-js/lib/Modeler';

export async function mountDecisionEditor(host, xml, dotnet) {
  const modeler = new DmnModeler({ container: host, common: { keyboard: { bindTo: host } } });
  await modeler.importXML(xml);
  // Straight to the first decision table: process owners edit rules, not the requirements diagram.
  const table = modeler.getViews().find((v) => v.type === 'decisionTable');
  if (table) {
    await modeler.open(table);
  }
  const watch = () => {
    const viewer = modeler.getActiveViewer();
    viewer?.get('eventBus').on('elements.changed', () => dotnet.invokeMethodAsync('OnDirty'));
  };
  modeler.on('views.changed', watch);
  watch();
  host.crmDecisions = modeler;   // browser tests read the live table from here
  return modeler;
}

export async function decisionXml(modeler) {
  const { xml } = await modeler.saveXML({ format: true });
  return new TextEncoder().encode(xml);   // a typed array: .NET receives it as a stream
}

export async function downloadDecision(modeler, fileName) {
  const { xml } = await modeler.saveXML({ format: true });
  const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function destroyDecisionEditor(modeler) {
  modeler?.destroy();
}
