import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { AgentEntity } from './agent.entity';

/** A flow-editor graph and the agent generated from it (the agent's revisions hold the script history). */
@Entity({ name: 'flows' })
@Unique('UQ_flows_name', ['name'])
export class FlowEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_flows' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'jsonb' })
  graph!: object;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId!: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'FK_flows_agent' })
  agent?: AgentEntity | null;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
