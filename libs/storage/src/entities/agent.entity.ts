import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** Where an agent's source comes from: written as code (UI, folder sync) or generated from a flow. */
export type AgentOrigin = 'code' | 'flow';

/** Current state of an agent; every saved version is also kept in `agent_revisions`. */
@Entity({ name: 'agents' })
@Unique('UQ_agents_title', ['title'])
@Check('CHK_agents_origin', `"origin" IN ('code', 'flow')`)
export class AgentEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_agents' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'varchar', length: 8 })
  origin!: AgentOrigin;

  /** Number of the latest revision; the optimistic-locking token of every write. */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
