/** Event-loop delay histogram resolution, ms: a stall shorter than this is not seen (hall-links, hall-load). */
export const LOOP_RESOLUTION_MS = 2;
