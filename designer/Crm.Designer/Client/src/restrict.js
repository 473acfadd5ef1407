// Offers only what our engine executes: palette, context pad and popup menus lose the BPMN elements the
// engine would refuse at deploy (data stores, pools, lanes, ad-hoc sub-processes ...).
// Signals, links, escalations, conditions, compensation, transactions with their cancel events and event
// sub-processes run and are offered; the properties panel names their signal, link, escalation code or condition.
const UNSUPPORTED = /(data-object|data-store|participant|pool|lane|group|rule-task|ad-hoc|message-intermediate-throw|message-end|collapsed-pool)/;

function keepSupported(entries) {
  for (const id of Object.keys(entries)) {
    if (UNSUPPORTED.test(id)) {
      delete entries[id];
    }
  }
  return entries;
}

function SupportedOnly(palette, contextPad, popupMenu) {
  palette.registerProvider(100, { getPaletteEntries: () => keepSupported });
  contextPad.registerProvider(100, { getContextPadEntries: () => keepSupported });
  for (const menu of ['bpmn-replace', 'bpmn-append', 'bpmn-create']) {
    popupMenu.registerProvider(menu, 100, { getPopupMenuEntries: () => keepSupported });
  }
}

SupportedOnly.$inject = ['palette', 'contextPad', 'popupMenu'];

export default {
  __init__: ['crmSupportedOnly'],
  crmSupportedOnly: ['type', SupportedOnly]
};
