// IPP/1.1 codec for the document printer (RFC 8010).
export * from './codec.ts';
