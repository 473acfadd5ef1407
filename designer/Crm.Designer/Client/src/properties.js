// Reads and writes the properties our Blazor panel edits. Every write goes through bpmn-js's modeling
// commands, so undo/redo and the live lint see it.
const CRM_ATTRIBUTES = ['assignee', 'candidateUsers', 'candidateGroups', 'dueDate', 'followUpDate', 'priority', 'formKey',
  'handler', 'async', 'retryCycle', 'resultVariable', 'startableByHand', 'version'];
const TIMER_KINDS = ['timeDate', 'timeDuration', 'timeCycle'];

function attribute(bo, name) {
  try {
    return bo.get('crm:' + name) ?? null;
  } catch {
    return null;
  }
}

function extensions(bo, type) {
  return (bo.extensionElements?.values || []).filter((v) => v.$type === type);
}

export function describe(element) {
  const bo = element.businessObject;
  const attrs = {};
  for (const name of CRM_ATTRIBUTES) {
    const value = attribute(bo, name);
    if (value !== null && value !== undefined) {
      attrs[name] = String(value);
    }
  }
  const definition = bo.eventDefinitions?.[0];
  const loop = bo.loopCharacteristics;
  const info = {
    id: bo.id,
    type: bo.$type.replace('bpmn:', ''),
    eventType: definition ? definition.$type.replace('bpmn:', '') : null,
    name: bo.name || '',
    attrs,
    documentation: bo.documentation?.[0]?.text || '',
    formSchema: extensions(bo, 'crm:FormSchema')[0]?.body || null,
    inputs: extensions(bo, 'crm:Input').map((i) => ({ name: i.name || '', value: i.value || '' })),
    condition: bo.conditionExpression?.body ?? null,
    isDefault: !!(bo.$type === 'bpmn:SequenceFlow' && bo.sourceRef?.default === bo),
    fromGateway: !!(bo.$type === 'bpmn:SequenceFlow' && /Gateway$/.test(bo.sourceRef?.$type || '')),
    script: bo.script ?? null,
    calledElement: bo.calledElement ?? null,
    timer: null,
    message: null,
    errorCode: null,
    signalName: null,
    escalationCode: null,
    eventCondition: null,
    linkName: null,
    multiInstance: null,
    standardLoop: null,
    activationCondition: bo.$type === 'bpmn:ComplexGateway' ? bo.activationCondition?.body || '' : null,
    interrupting: bo.$type === 'bpmn:BoundaryEvent' ? bo.cancelActivity !== false : null
  };
  if (definition?.$type === 'bpmn:TimerEventDefinition') {
    const kind = TIMER_KINDS.find((k) => definition[k]) || 'timeDuration';
    info.timer = { kind, value: definition[kind]?.body || '' };
  }
  const messageRef = definition?.$type === 'bpmn:MessageEventDefinition' ? definition.messageRef : bo.$type === 'bpmn:ReceiveTask' ? bo.messageRef : undefined;
  if (messageRef !== undefined) {
    info.message = { name: messageRef?.name || '', correlationKey: messageRef ? attribute(messageRef, 'correlationKey') || '' : '' };
  }
  if (definition?.$type === 'bpmn:ErrorEventDefinition') {
    info.errorCode = definition.errorRef?.errorCode || '';
  }
  if (definition?.$type === 'bpmn:SignalEventDefinition') {
    info.signalName = definition.signalRef?.name || '';
  }
  if (definition?.$type === 'bpmn:EscalationEventDefinition') {
    info.escalationCode = definition.escalationRef?.escalationCode || '';
  }
  if (definition?.$type === 'bpmn:ConditionalEventDefinition') {
    info.eventCondition = definition.condition?.body || '';
  }
  if (definition?.$type === 'bpmn:LinkEventDefinition') {
    info.linkName = definition.name || '';
  }
  if (loop?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    info.multiInstance = {
      sequential: !!loop.isSequential,
      collection: attribute(loop, 'collection') || '',
      elementVariable: attribute(loop, 'elementVariable') || '',
      cardinality: loop.loopCardinality?.body || '',
      completionCondition: loop.completionCondition?.body || ''
    };
  }
  if (loop?.$type === 'bpmn:StandardLoopCharacteristics') {
    info.standardLoop = {
      condition: loop.loopCondition?.body || '',
      testBefore: !!loop.testBefore,
      maximum: loop.loopMaximum === undefined || loop.loopMaximum === null ? '' : String(loop.loopMaximum)
    };
  }
  return info;
}

function expression(moddle, body) {
  return body ? moddle.create('bpmn:FormalExpression', { body }) : undefined;
}

function definitionsOf(modeler) {
  return modeler.getDefinitions();
}

// A root element (message, error, signal, escalation) found by a property or created once and shared.
function rootElement(modeler, type, property, value, idPrefix) {
  const definitions = definitionsOf(modeler);
  const roots = definitions.get('rootElements');
  let found = roots.find((r) => r.$type === type && r[property] === value);
  if (!found) {
    const id = idPrefix + '_' + value.replace(/[^A-Za-z0-9_-]/g, '_');
    found = modeler.get('moddle').create(type, { id, [property]: value, name: value });
    found.$parent = definitions;
    roots.push(found);
  }
  return found;
}

function setExtensions(modeler, element, type, values) {
  const moddle = modeler.get('moddle');
  const modeling = modeler.get('modeling');
  const bo = element.businessObject;
  let container = bo.extensionElements;
  if (!container) {
    container = moddle.create('bpmn:ExtensionElements', { values: [] });
    modeling.updateProperties(element, { extensionElements: container });
  }
  const kept = container.get('values').filter((v) => v.$type !== type);
  const created = values.map((v) => {
    const e = moddle.create(type, v);
    e.$parent = container;
    return e;
  });
  modeling.updateModdleProperties(element, container, { values: [...kept, ...created] });
}

export function applyChanges(modeler, element, changes) {
  const modeling = modeler.get('modeling');
  const moddle = modeler.get('moddle');
  const bo = element.businessObject;
  const props = {};
  if (changes.newId !== undefined && changes.newId !== bo.id) {
    props.id = changes.newId;
  }
  if (changes.name !== undefined) {
    props.name = changes.name || undefined;
  }
  for (const [name, value] of Object.entries(changes.attrs || {})) {
    props['crm:' + name] = value === null || value === '' ? undefined : value;
  }
  if (changes.condition !== undefined) {
    props.conditionExpression = expression(moddle, changes.condition);
  }
  if (changes.calledElement !== undefined) {
    props.calledElement = changes.calledElement || undefined;
  }
  if (changes.script !== undefined) {
    props.script = changes.script || undefined;
    props.scriptFormat = 'javascript';
  }
  if (changes.interrupting !== undefined && bo.$type === 'bpmn:BoundaryEvent') {
    props.cancelActivity = changes.interrupting;
  }
  if (Object.keys(props).length) {
    modeling.updateProperties(element, props);
  }
  if (changes.isDefault !== undefined && bo.sourceRef) {
    const gateway = modeler.get('elementRegistry').get(bo.sourceRef.id);
    const current = bo.sourceRef.default;
    if (changes.isDefault && current !== bo) {
      modeling.updateProperties(gateway, { default: bo });
    } else if (!changes.isDefault && current === bo) {
      modeling.updateProperties(gateway, { default: undefined });
    }
  }
  const definition = bo.eventDefinitions?.[0];
  if (changes.timer && definition?.$type === 'bpmn:TimerEventDefinition') {
    const update = {};
    for (const kind of TIMER_KINDS) {
      update[kind] = kind === changes.timer.kind ? expression(moddle, changes.timer.value) : undefined;
    }
    modeling.updateModdleProperties(element, definition, update);
  }
  if (changes.message) {
    const message = changes.message.name ? rootElement(modeler, 'bpmn:Message', 'name', changes.message.name, 'Message') : undefined;
    if (message) {
      message.set('crm:correlationKey', changes.message.correlationKey || undefined);
    }
    if (definition?.$type === 'bpmn:MessageEventDefinition') {
      modeling.updateModdleProperties(element, definition, { messageRef: message });
    } else if (bo.$type === 'bpmn:ReceiveTask') {
      modeling.updateProperties(element, { messageRef: message });
    }
  }
  if (changes.errorCode !== undefined && definition?.$type === 'bpmn:ErrorEventDefinition') {
    const error = changes.errorCode ? rootElement(modeler, 'bpmn:Error', 'errorCode', changes.errorCode, 'Error') : undefined;
    modeling.updateModdleProperties(element, definition, { errorRef: error });
  }
  if (changes.signalName !== undefined && definition?.$type === 'bpmn:SignalEventDefinition') {
    const signal = changes.signalName ? rootElement(modeler, 'bpmn:Signal', 'name', changes.signalName, 'Signal') : undefined;
    modeling.updateModdleProperties(element, definition, { signalRef: signal });
  }
  if (changes.escalationCode !== undefined && definition?.$type === 'bpmn:EscalationEventDefinition') {
    const escalation = changes.escalationCode ? rootElement(modeler, 'bpmn:Escalation', 'escalationCode', changes.escalationCode, 'Escalation') : undefined;
    modeling.updateModdleProperties(element, definition, { escalationRef: escalation });
  }
  if (changes.eventCondition !== undefined && definition?.$type === 'bpmn:ConditionalEventDefinition') {
    modeling.updateModdleProperties(element, definition, { condition: expression(moddle, changes.eventCondition) });
  }
  if (changes.linkName !== undefined && definition?.$type === 'bpmn:LinkEventDefinition') {
    modeling.updateModdleProperties(element, definition, { name: changes.linkName || undefined });
  }
  if (changes.multiInstance !== undefined) {
    const mi = changes.multiInstance;
    if (!mi) {
      modeling.updateProperties(element, { loopCharacteristics: undefined });
    } else {
      const loop = moddle.create('bpmn:MultiInstanceLoopCharacteristics', {
        isSequential: !!mi.sequential,
        loopCardinality: expression(moddle, mi.cardinality),
        completionCondition: expression(moddle, mi.completionCondition)
      });
      if (mi.collection) loop.set('crm:collection', mi.collection);
      if (mi.elementVariable) loop.set('crm:elementVariable', mi.elementVariable);
      modeling.updateProperties(element, { loopCharacteristics: loop });
    }
  }
  if (changes.standardLoop !== undefined) {
    const sl = changes.standardLoop;
    if (!sl) {
      modeling.updateProperties(element, { loopCharacteristics: undefined });
    } else {
      const maximum = Number.parseInt(sl.maximum, 10);
      modeling.updateProperties(element, {
        loopCharacteristics: moddle.create('bpmn:StandardLoopCharacteristics', {
          testBefore: !!sl.testBefore || undefined,
          loopMaximum: Number.isNaN(maximum) ? undefined : maximum,
          loopCondition: expression(moddle, sl.condition)
        })
      });
    }
  }
  if (changes.activationCondition !== undefined && bo.$type === 'bpmn:ComplexGateway') {
    modeling.updateProperties(element, { activationCondition: expression(moddle, changes.activationCondition) });
  }
  if (changes.formSchema !== undefined) {
    setExtensions(modeler, element, 'crm:FormSchema', changes.formSchema ? [{ body: changes.formSchema }] : []);
  }
  if (changes.inputs !== undefined) {
    setExtensions(modeler, element, 'crm:Input', changes.inputs.filter((i) => i.name));
  }
}
