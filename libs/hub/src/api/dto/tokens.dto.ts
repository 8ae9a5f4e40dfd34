import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { API_ROLES, type ApiRole } from '@wirehook/storage';

export class CreateTokenBody {
  @ApiProperty({ example: 'ci sync', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: API_ROLES })
  @IsIn(API_ROLES)
  role!: ApiRole;
}

export class TokenView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_ROLES }) role!: ApiRole;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
}

export class CreatedTokenView {
  @ApiProperty({ type: TokenView }) token!: TokenView;
  @ApiProperty({ description: 'Shown once; only its hash is stored.', example: 'whk_…' }) secret!: string;
}
