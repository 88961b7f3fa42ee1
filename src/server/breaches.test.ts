import { describe, expect, it } from 'vitest';
import { personBand, publicBreach } from './breaches.js';

describe('public breach description', () => {
  it.each([
    [0, '0-5'],
    [5, '0-5'],
    [6, '6-50'],
    [50, '6-50'],
    [51, '51-300'],
    [300, '51-300'],
    [301, '301-5000'],
    [5000, '301-5000'],
    [5001, '>5000'],
    [491_840, '>5000'],
  ])('puts %d persons in the CNIL band %s', (count, band) => {
    expect(personBand(count)).toBe(band);
  });

  it('gives categories, dates and a band, never an exact count', () => {
    const record = {
      num: 1,
      id: 'labos-2021',
      title: 'Laboratoires 2021',
      categories: 0b100001,
      stats: { persons: 37, rowsRead: 41, ingestedAt: '2021-02-25T10:00:00.000Z' } as never,
      createdAt: '2021-02-24T09:00:00.000Z',
      updatedAt: '2021-02-25T10:00:01.000Z',
    };
    const described = publicBreach(record);
    expect(described).toEqual({
      id: 'labos-2021',
      title: 'Laboratoires 2021',
      controller: null,
      firstIngestAt: '2021-02-24T09:00:00.000Z',
      lastIngestAt: '2021-02-25T10:00:00.000Z',
      categories: ['identity', 'nir'],
      persons: '6-50',
    });
    expect(JSON.stringify(described)).not.toMatch(/\b(37|41)\b/);
    expect(publicBreach({ ...record, stats: null }).persons).toBeNull();
  });
});
