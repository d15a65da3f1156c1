import { PlaceholderRoute } from './PlaceholderRoute.tsx';

export default function HallRoute() {
  return <PlaceholderRoute title="大厅管理 / Hall manager dashboard" issue="the manager dashboard" />;
}
