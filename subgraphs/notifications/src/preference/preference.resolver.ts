import { Arg, Ctx, Directive, Mutation, Query, Resolver } from 'type-graphql';
import { requireUser } from '@shop/federation';
import { BadUserInputError } from '@shop/platform';
import type { NotificationsContext } from '../context';
import { NotificationPreference, NotificationPreferenceInput } from './preference.type';

@Resolver(() => NotificationPreference)
export class PreferenceResolver {
  @Directive('@authenticated')
  @Query(() => [NotificationPreference], {
    description: 'The signed-in user’s choice for every channel.',
  })
  notificationPreferences(@Ctx() ctx: NotificationsContext): Promise<NotificationPreference[]> {
    return ctx.services.preferences.of(requireUser(ctx.identity).userId);
  }

  @Directive('@authenticated')
  @Mutation(() => [NotificationPreference], {
    description:
      'Sets the signed-in user’s choice for the channels given (each at most once); answers every channel.',
  })
  updateNotificationPreferences(
    @Arg('input', () => [NotificationPreferenceInput]) input: NotificationPreferenceInput[],
    @Ctx() ctx: NotificationsContext,
  ): Promise<NotificationPreference[]> {
    const { userId } = requireUser(ctx.identity);
    if (new Set(input.map((choice) => choice.channel)).size !== input.length) {
      throw new BadUserInputError('Each channel may be given once', { argument: 'input' });
    }
    return ctx.services.preferences.update(userId, input);
  }
}
