import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An installed plugin package (npm name) and how it is configured. */
@Entity({ name: 'plugins' })
export class PluginEntity {
  /** npm package names are at most 214 characters. */
  @PrimaryColumn({ type: 'varchar', length: 214, primaryKeyConstraintName: 'PK_plugins' })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  version!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'jsonb' })
  settings!: Record<string, unknown>;

  @Column({ name: 'installed_at', type: 'timestamptz' })
  installedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
