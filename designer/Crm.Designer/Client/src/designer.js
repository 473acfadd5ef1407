// The process designer's browser side: a bpmn-js modeler (and a read-only viewer) that Blazor drives.
// Large payloads go to .NET as streams: Blazor Server refuses browser messages over 32 KB.
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import crmModdle from './crm-moddle.json';
import supportedOnly from './restrict';
import paletteTitles, { fitBesidePalette } from './palette-titles';
import { describe, applyChanges } from './properties';

const LINT_DELAY_MS = 400;

function toStream(text) {
  return DotNet.createJSStreamReference(new TextEncoder().encode(text));
}

class DesignerSession {
  constructor(host, dotnet) {
    this.dotnet = dotnet;
    this.problemOverlays = [];
    this.problemIds = [];
    this.lintSequence = 0;
    this.modeler = new Modeler({
      container: host,
      keyboard: { bind: true },
      additionalModules: [supportedOnly, paletteTitles],
      moddleExtensions: { crm: crmModdle }
    });
    const bus = this.modeler.get('eventBus');
    bus.on('selection.changed', () => this.selectionChanged());
    bus.on('element.changed', (e) => {
      if (e.element === this.selected()) {
        this.selectionChanged();
      }
    });
    bus.on('commandStack.changed', () => this.scheduleLint());
  }

  selected() {
    const selection = this.modeler.get('selection').get();
    if (selection.length === 1) {
      return selection[0];
    }
    try {
      return this.modeler.get('canvas').getRootElement();
    } catch {
      return null;   // no diagram imported yet
    }
  }

  selectionChanged() {
    const element = this.selected();
    if (element && element.businessObject) {
      this.dotnet.invokeMethodAsync('OnSelected', describe(element));
    }
  }

  scheduleLint() {
    clearTimeout(this.lintTimer);
    this.lintTimer = setTimeout(() => this.lint(), LINT_DELAY_MS);
    this.dotnet.invokeMethodAsync('OnDirty');
  }

  async lint() {
    // Results can come back out of order; only the newest one is shown.
    const sequence = ++this.lintSequence;
    const { xml } = await this.modeler.saveXML({ format: true });
    const problems = await this.dotnet.invokeMethodAsync('Lint', toStream(xml), sequence);
    if (sequence === this.lintSequence) {
      this.showProblems(problems || []);
    }
  }

  async open(xml) {
    await this.modeler.importXML(xml);
    fitBesidePalette(this.modeler.get('canvas'));
    this.selectionChanged();
    await this.lint();
  }

  async xml() {
    const { xml } = await this.modeler.saveXML({ format: true });
    return new TextEncoder().encode(xml);
  }

  update(changes) {
    const registry = this.modeler.get('elementRegistry');
    const canvas = this.modeler.get('canvas');
    const element = registry.get(changes.id) || (canvas.getRootElement().businessObject.id === changes.id ? canvas.getRootElement() : null);
    if (!element) {
      return false;
    }
    applyChanges(this.modeler, element, changes);
    return true;
  }

  select(id) {
    const element = this.modeler.get('elementRegistry').get(id);
    if (element) {
      this.modeler.get('selection').select(element);
      this.modeler.get('canvas').scrollToElement(element);
    }
  }

  showProblems(problems) {
    const canvas = this.modeler.get('canvas');
    const overlays = this.modeler.get('overlays');
    const registry = this.modeler.get('elementRegistry');
    this.problemOverlays.forEach((o) => overlays.remove(o));
    this.problemIds.forEach((id) => registry.get(id) && canvas.removeMarker(id, 'crm-problem'));
    this.problemOverlays = [];
    this.problemIds = [];
    const byElement = new Map();
    for (const p of problems) {
      if (registry.get(p.elementId)) {
        byElement.set(p.elementId, [...(byElement.get(p.elementId) || []), p.message]);
      }
    }
    for (const [id, messages] of byElement) {
      canvas.addMarker(id, 'crm-problem');
      this.problemIds.push(id);
      const badge = document.createElement('div');
      badge.className = 'crm-problem-badge';
      badge.dataset.element = id;
      badge.title = messages.join('\n');
      badge.textContent = String(messages.length);
      this.problemOverlays.push(overlays.add(id, 'crm-problem', { position: { top: -10, right: 10 }, html: badge }));
    }
  }

  destroy() {
    clearTimeout(this.lintTimer);
    this.modeler.destroy();
  }
}

export function mountModeler(host, dotnet) {
  const session = new DesignerSession(host, dotnet);
  // Browser tests and power users read the live diagram from here (e.g. to check what was drawn).
  host.crmDesigner = session;
  return session;
}

export async function open(session, xml) {
  await session.open(xml);
}

export function currentXml(session) {
  return session.xml();
}

export function update(session, changes) {
  return session.update(changes);
}

export function select(session, id) {
  session.select(id);
}

export function showProblems(session, problems) {
  session.showProblems(problems);
}

export function destroy(session) {
  session?.destroy();
}

// The instance viewer: active and completed elements marked, counts per element as a heat map.
export async function mountViewer(host, xml, state, onClick) {
  const viewer = new NavigatedViewer({ container: host, moddleExtensions: { crm: crmModdle } });
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas');
  const overlays = viewer.get('overlays');
  const registry = viewer.get('elementRegistry');
  canvas.zoom('fit-viewport', 'auto');
  const mark = (ids, marker) => (ids || []).filter((id) => registry.get(id)).forEach((id) => canvas.addMarker(id, marker));
  mark(state.completed, 'crm-done');
  mark(state.active, 'crm-active');
  mark(state.incidents, 'crm-incident');
  const counts = state.counts || {};
  const max = Math.max(1, ...Object.values(counts));
  for (const [id, count] of Object.entries(counts)) {
    if (!registry.get(id) || !count) {
      continue;
    }
    const badge = document.createElement('div');
    badge.className = 'crm-heat';
    // Hue from green (few) to red (most): where instances pile up stands out.
    const hue = Math.round(120 - (120 * count) / max);
    badge.style.background = `hsl(${hue} 75% 45%)`;
    badge.textContent = String(count);
    badge.title = `${count}`;
    badge.dataset.element = id;
    overlays.add(id, 'crm-heat', { position: { bottom: 8, left: -8 }, html: badge });
  }
  if (onClick) {
    viewer.get('eventBus').on('element.click', (e) => onClick.invokeMethodAsync('OnElementClicked', e.element.id));
  }
  return viewer;
}

export function destroyViewer(viewer) {
  viewer?.destroy();
}

export async function download(session, fileName) {
  const { xml } = await session.modeler.saveXML({ format: true });
  const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
