import { Module } from '@nestjs/common';
import { SuggestionsModule } from '../suggestions/suggestions.module';
import { InterruptsController } from './interrupts.controller';
import { InterruptsService } from './interrupts.service';

@Module({ imports: [SuggestionsModule], controllers: [InterruptsController], providers: [InterruptsService] })
export class InterruptsModule {}
