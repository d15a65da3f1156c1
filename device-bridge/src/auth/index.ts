// Staff access (README "For technicians: the console", access): users and scrypt hashes, sessions,
// login rate limit, security headers.
export * from './password.ts';
export * from './sessions.ts';
export * from './loginLimiter.ts';
export * from './cookies.ts';
export * from './staffAuth.ts';
export * from './securityHeaders.ts';
export * from './demoUsers.ts';
