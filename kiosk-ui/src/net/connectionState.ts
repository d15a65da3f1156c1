/** Link between a UI and the bridge: before the first connect, connected, or lost (socket.io keeps retrying). */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
