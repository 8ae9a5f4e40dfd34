import { findHelperUsages, isMajorChange, type PluginPackage } from '@wirehook/plugin-sdk';
import type { Agent, Flow } from '@wirehook/storage';

export interface AgentUsage {
  id: string;
  title: string;
  active: boolean;
  origin: string;
  /** The plugin's helpers its source calls (full names). */
  helpers: string[];
}

export interface FlowUsage {
  id: string;
  name: string;
  /** Helpers of the plugin its graph or its generated agent uses. */
  helpers: string[];
  /** The plugin's node types in its graph. */
  nodes: string[];
}

/** What an upgrade (or a removal) would touch. */
export interface UpgradePreflight {
  name: string;
  /** Installed version ('' when not installed). */
  from: string;
  to: string;
  major: boolean;
  agents: AgentUsage[];
  flows: FlowUsage[];
  /** Helpers the installed version has and the new one does not. */
  removedHelpers: string[];
  warnings: string[];
}

/**
 * Every agent whose source calls one of the plugin's helpers (old and new versions' helpers), every
 * flow that uses them (its graph names a helper or one of the plugin's node types, or its generated
 * agent calls one), and warnings: a major version change, helpers that disappear while in use.
 */
export function upgradePreflight(installed: PluginPackage | undefined, next: PluginPackage, agents: Agent[], flows: Flow[]): UpgradePreflight {
  const oldHelpers = installed?.manifest.helpers.map((h) => h.name) ?? [];
  const newHelpers = next.manifest.helpers.map((h) => h.name);
  const helpers = [...new Set([...oldHelpers, ...newHelpers])];
  const nodeTypes = [...new Set([...(installed?.manifest.nodes ?? []), ...(next.manifest.nodes ?? [])].map((n) => n.type))];
  const agentUsages: AgentUsage[] = agents
    .map((agent) => ({ id: agent.id, title: agent.title, active: agent.active, origin: agent.origin, helpers: findHelperUsages(agent.source, helpers) }))
    .filter((usage) => usage.helpers.length > 0);
  const byAgent = new Map(agentUsages.map((usage) => [usage.id, usage]));
  const flowUsages: FlowUsage[] = flows
    .map((flow) => {
      const graph = JSON.stringify(flow.graph);
      // `vendor.slack` must not match inside `vendor.slackBot`.
      const fromGraph = helpers.filter((h) => new RegExp(`${h.replace(/[.$]/g, '\\$&')}(?![A-Za-z0-9_$])`).test(graph));
      const fromAgent = flow.agentId ? byAgent.get(flow.agentId)?.helpers ?? [] : [];
      const nodes = nodeTypes.filter((type) => graph.includes(JSON.stringify(type)));
      return { id: flow.id, name: flow.name, helpers: [...new Set([...fromGraph, ...fromAgent])], nodes };
    })
    .filter((usage) => usage.helpers.length > 0 || usage.nodes.length > 0);
  const from = installed?.version ?? '';
  const major = installed !== undefined && isMajorChange(from, next.version);
  const removedHelpers = oldHelpers.filter((h) => !newHelpers.includes(h));
  const warnings: string[] = [];
  if (major) {
    warnings.push(
      `major version change ${from} → ${next.version}: ${agentUsages.length} agent(s) and ${flowUsages.length} flow(s) call its helpers; check them against the plugin's CHANGELOG before upgrading`,
    );
  }
  for (const helper of removedHelpers) {
    const users = agentUsages.filter((a) => a.helpers.includes(helper)).map((a) => `"${a.title}"`);
    if (users.length > 0) warnings.push(`${helper} is not in ${next.version} but ${users.join(', ')} call(s) it`);
  }
  return { name: next.name, from, to: next.version, major, agents: agentUsages, flows: flowUsages, removedHelpers, warnings };
}
