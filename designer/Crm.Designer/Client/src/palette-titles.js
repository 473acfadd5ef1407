// diagram-js names palette entries for screen readers only (aria-label); a title gives everyone else the same
// name on hover. The palette redraws its entries when providers change, so new entries are named as they appear.
function PaletteTitles(eventBus) {
  eventBus.on('palette.create', ({ container }) => {
    const name = () => container.querySelectorAll('.entry[aria-label]:not([title])')
      .forEach((entry) => entry.setAttribute('title', entry.getAttribute('aria-label')));
    new MutationObserver(name).observe(container, { childList: true, subtree: true });
    name();
  });
}

PaletteTitles.$inject = ['eventBus'];

// Fits the whole diagram into the part of the canvas the palette leaves free, so no element opens under it.
export function fitBesidePalette(canvas) {
  canvas.zoom('fit-viewport', 'auto');
  const container = canvas.getContainer();
  const palette = container.querySelector('.djs-palette');
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) {
    return;
  }

  const padding = 24;
  const left = (palette ? palette.getBoundingClientRect().right - container.getBoundingClientRect().left : 0) + padding;
  const scale = Math.min((outer.width - left - padding) / inner.width, (outer.height - 2 * padding) / inner.height, 1);
  if (scale <= 0) {
    return;
  }

  canvas.viewbox({
    x: inner.x - left / scale,
    y: inner.y - (outer.height / scale - inner.height) / 2,
    width: outer.width / scale,
    height: outer.height / scale
  });
}

export default {
  __init__: ['crmPaletteTitles'],
  crmPaletteTitles: ['type', PaletteTitles]
};
