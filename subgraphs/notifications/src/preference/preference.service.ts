import type { Channel, Database } from '../db';

/** A channel's state when its user never chose: e-mail and the feed on, SMS and push off. */
export const DEFAULT_CHANNELS: Record<Channel, boolean> = {
  EMAIL: true,
  IN_APP: true,
  SMS: false,
  PUSH: false,
};

export const CHANNELS = Object.keys(DEFAULT_CHANNELS) as Channel[];

export interface ChannelChoice {
  channel: Channel;
  enabled: boolean;
}

/** Each user's choice per channel, over the defaults. */
export class PreferenceService {
  constructor(private readonly db: Database) {}

  /** Every channel with the user's choice (or its default), in CHANNELS' order. */
  async of(userId: string): Promise<ChannelChoice[]> {
    const rows = await this.db.prisma.notificationPreference.findMany({
      select: { channel: true, enabled: true },
      where: { userId },
    });
    const chosen = new Map(rows.map((row) => [row.channel, row.enabled]));
    return CHANNELS.map((channel) => ({
      channel,
      enabled: chosen.get(channel) ?? DEFAULT_CHANNELS[channel],
    }));
  }

  /** Records the given channels' choices (the others keep theirs) and answers them all. */
  async update(userId: string, choices: ChannelChoice[]): Promise<ChannelChoice[]> {
    await this.db.prisma.$transaction(
      choices.map(({ channel, enabled }) =>
        this.db.prisma.notificationPreference.upsert({
          where: { userId_channel: { userId, channel } },
          create: { userId, channel, enabled },
          update: { enabled },
        }),
      ),
    );
    return this.of(userId);
  }
}
