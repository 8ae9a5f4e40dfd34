// Checks a Kubernetes object against the API's schema, offline: kubernetes-models (the OpenAPI
// schema compiled to validators: types, required fields, enums, formats) and the field lists of
// @kubernetes/client-node's models (a field the API does not have, such as a typo, is an error,
// as `kubectl apply` with strict field validation makes it).
import * as client from '@kubernetes/client-node';
import type { KubeDoc } from './kustomize';

interface AttributeType {
  name: string;
  baseName: string;
  type: string;
}

type ModelClass = { getAttributeTypeMap(): AttributeType[] };
type ModelConstructor = new (data: unknown) => { validate(): void };

/** Problems with one object, each naming the field; empty when it is valid. */
export function schemaProblems(doc: KubeDoc): string[] {
  const problems: string[] = [];
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  let Model: ModelConstructor | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Model = (require(`kubernetes-models/${group ? `${group}/` : ''}${version}/${doc.kind}`) as Record<string, ModelConstructor>)[doc.kind];
  } catch {
    problems.push(`${doc.apiVersion} ${doc.kind}: no schema for this kind`);
  }
  if (Model) {
    try {
      new Model(doc).validate();
    } catch (error) {
      problems.push(`${doc.kind} ${doc.metadata.name}: ${(error as Error).message}`);
    }
  }
  const modelName = `${version.charAt(0).toUpperCase()}${version.slice(1)}${doc.kind}`;
  unknownFields(doc, modelName, doc.kind, problems);
  return problems;
}

function unknownFields(value: unknown, type: string, path: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  if (type.startsWith('Array<')) {
    const inner = type.slice('Array<'.length, -1);
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(item, inner, `${path}[${i}]`, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object') for (const [key, item] of Object.entries(value as Record<string, unknown>)) unknownFields(item, map[1], `${path}.${key}`, problems);
    return;
  }
  const model = (client as unknown as Record<string, ModelClass | undefined>)[type];
  if (typeof model?.getAttributeTypeMap !== 'function' || typeof value !== 'object') return;
  const fields = new Map(model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute.type]));
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const fieldType = fields.get(key);
    if (fieldType === undefined) problems.push(`${path}.${key}: unknown field (not in ${type})`);
    else unknownFields(item, fieldType, `${path}.${key}`, problems);
  }
}
