import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AgentEntity } from './agent.entity';

/** One saved version of an agent (revision 1 is the creation). Never updated, removed only with its agent. */
@Entity({ name: 'agent_revisions' })
export class AgentRevisionEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'uuid', primaryKeyConstraintName: 'PK_agent_revisions' })
  agentId!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_agent_revisions' })
  revision!: number;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'FK_agent_revisions_agent' })
  agent?: AgentEntity;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'varchar', length: 200 })
  author!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
