import { PlaceholderRoute } from './PlaceholderRoute.tsx';

export default function TechRoute() {
  return <PlaceholderRoute title="设备维护 / Technician console" issue="issue 6 (technician console)" />;
}
